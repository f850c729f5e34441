import { createTokenVerifier } from '../auth/verifier';
import { verifierOptionsFromConfig } from '../auth/verifier-config';
import { createAuthorizerHandler, type AuthorizerResult, type TokenAuthorizerEvent } from '../aws/token-authorizer';
import { readConfig } from '../shared/config';

/** The TOKEN authorizer: verifies the bearer JWT and hands the principal to the proxy. */
const authorize = createAuthorizerHandler(createTokenVerifier(verifierOptionsFromConfig(readConfig('authorizer'))));

export const handler = (event: TokenAuthorizerEvent): Promise<AuthorizerResult> => authorize(event);
