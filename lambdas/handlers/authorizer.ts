import { principalToAuthorizerContext, type AuthorizerContext } from '../auth/authorizer-context';
import { bearerToken } from '../auth/bearer';
import { logSecurityEvent, tokenRefusal } from '../auth/security-event';
import { createTokenVerifier, type TokenVerifier } from '../auth/verifier';
import { verifierOptionsFromConfig } from '../auth/verifier-config';
import { readRuntimeConfig } from '../shared/config';
import { toAirlockError } from '../shared/errors';
import { logger, type AirlockLogger } from '../shared/logger';

/** API Gateway REST Lambda TOKEN authorizer: verifies the bearer JWT and hands the principal to the proxy. */
export interface TokenAuthorizerEvent {
  type: 'TOKEN';
  authorizationToken?: string;
  methodArn: string;
}

export interface AuthorizerResult {
  principalId: string;
  policyDocument: {
    Version: '2012-10-17';
    Statement: [{ Action: 'execute-api:Invoke'; Effect: 'Allow'; Resource: string }];
  };
  context: AuthorizerContext;
}

export function createAuthorizerHandler(verifier: TokenVerifier, log: AirlockLogger = logger) {
  return async (event: TokenAuthorizerEvent): Promise<AuthorizerResult> => {
    let principal;
    try {
      principal = await verifier.verify(bearerToken(event.authorizationToken));
    } catch (err) {
      const error = toAirlockError(err);
      // A TOKEN authorizer event carries no source address; the proxy's events have it.
      if (error.status === 401) logSecurityEvent(log, tokenRefusal(error, event.authorizationToken));
      else log.info('bearer token not checked', { code: error.code, status: error.status });
      // The exact string 'Unauthorized' is what makes API Gateway answer 401; anything else is a 500.
      if (error.status === 401) throw new Error('Unauthorized');
      throw new Error('Authorizer unavailable');
    }
    return {
      principalId: principal.sub,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: stageWildcardArn(event.methodArn) }],
      },
      context: principalToAuthorizerContext(principal),
    };
  };
}

/**
 * API Gateway caches the authorizer's policy per token for every route, so the policy must allow
 * the whole stage, not just the method that happened to come first.
 */
export function stageWildcardArn(methodArn: string): string {
  const match = /^(arn:[^:]+:execute-api:[^:]+:[^:]+:[^/]+\/[^/]+)\//.exec(methodArn);
  if (!match?.[1]) throw new Error('methodArn is not an execute-api method ARN');
  return `${match[1]}/*`;
}

let coldStartHandler: ReturnType<typeof createAuthorizerHandler> | undefined;

export const handler = (event: TokenAuthorizerEvent): Promise<AuthorizerResult> => {
  coldStartHandler ??= createAuthorizerHandler(createTokenVerifier(verifierOptionsFromConfig(readRuntimeConfig())));
  return coldStartHandler(event);
};
