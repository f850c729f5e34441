import { principalFromAuthorizerContext } from '../../../lambdas/auth/authorizer-context';
import { createTokenVerifier } from '../../../lambdas/auth/verifier';
import { createAuthorizerHandler, type TokenAuthorizerEvent } from '../../../lambdas/aws/token-authorizer';
import { startOidcIssuer, type TestOidcIssuer } from '../../support/oidc-issuer';

const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:abc123defg/prod/POST/v1/chat/completions';

describe('TOKEN authorizer', () => {
  let idp: TestOidcIssuer;
  let authorize: ReturnType<typeof createAuthorizerHandler>;

  beforeAll(async () => {
    idp = await startOidcIssuer({ clients: [{ clientId: 'analyst-app', clientSecret: 'analyst-secret', groups: ['llm-users'] }] });
    authorize = createAuthorizerHandler(
      createTokenVerifier({ issuers: [{ issuer: idp.issuer, audience: idp.audience }], fetcher: idp.fetcher }),
    );
  });

  afterAll(async () => {
    await idp.close();
  });

  const event = (authorizationToken?: string): TokenAuthorizerEvent => ({
    type: 'TOKEN',
    methodArn: METHOD_ARN,
    ...(authorizationToken !== undefined ? { authorizationToken } : {}),
  });

  it('allows a valid bearer token for every route of the stage, keyed by its subject', async () => {
    const token = await idp.clientCredentialsToken('analyst-app');

    const result = await authorize(event(`Bearer ${token}`));

    expect(result.principalId).toBe('analyst-app');
    expect(result.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: 'arn:aws:execute-api:eu-west-1:123456789012:abc123defg/prod/*' },
    ]);
  });

  it('hands the principal to the proxy as one string context field the proxy can decode', async () => {
    const token = await idp.clientCredentialsToken('analyst-app');

    const { context } = await authorize(event(`Bearer ${token}`));

    expect(Object.values(context).every((v) => typeof v === 'string')).toBe(true);
    expect(principalFromAuthorizerContext(context)).toMatchObject({ issuer: idp.issuer, sub: 'analyst-app', groups: ['llm-users'] });
    expect(context.principal).not.toContain(token);
  });

  it.each([
    ['an expired token', () => idp.forge({ claims: { exp: Math.floor(Date.now() / 1000) - 3600 } }).then((t) => `Bearer ${t}`)],
    ['a token signed by an unknown key', () => idp.forge({ key: 'other' }).then((t) => `Bearer ${t}`)],
    ['an unsigned token', () => idp.forge({ alg: 'none' }).then((t) => `Bearer ${t}`)],
    ['a token without the Bearer scheme', () => idp.clientCredentialsToken('analyst-app')],
    ['an empty header', () => Promise.resolve('')],
  ])('answers Unauthorized (API Gateway 401) to %s', async (_case, header) => {
    const attempt = authorize(event(await header()));

    await expect(attempt).rejects.toThrow(/^Unauthorized$/);
  });

  it('answers Unauthorized when no Authorization header came at all', async () => {
    await expect(authorize(event())).rejects.toThrow(/^Unauthorized$/);
  });

  it('fails as an authorizer error (500), not a 401, when the issuer keys cannot be fetched', async () => {
    const untrusting = createAuthorizerHandler(createTokenVerifier({ issuers: [{ issuer: idp.issuer, audience: idp.audience }] }));
    const token = await idp.clientCredentialsToken('analyst-app');

    const attempt = untrusting(event(`Bearer ${token}`));

    await expect(attempt).rejects.toThrow(/^Authorizer unavailable$/);
  });
});
