import { createTokenVerifier, type TokenVerifier } from '../../../lambdas/auth/verifier';
import { assertCanInvoke } from '../../../lambdas/auth/access';
import { policyFromObject } from '../../../lambdas/inspect/policy';
import { AirlockError } from '../../../lambdas/shared/errors';
import { startOidcIssuer, type TestOidcIssuer } from '../../support/oidc-issuer';

const OTHER_AUDIENCE = 'https://other-service.test/api';

describe('token verifier against a real OIDC issuer over https', () => {
  let idp: TestOidcIssuer;
  let verifier: TokenVerifier;

  beforeAll(async () => {
    idp = await startOidcIssuer({
      clients: [
        { clientId: 'analyst-app', clientSecret: 'analyst-secret', groups: ['llm-users', 'analysts'] },
        { clientId: 'marketing-app', clientSecret: 'marketing-secret', groups: ['marketing'] },
        { clientId: 'ci-job', clientSecret: 'ci-secret', claims: { repository: 'acme/app', ref: 'refs/heads/main' } },
      ],
      otherAudiences: [OTHER_AUDIENCE],
    });
    verifier = createTokenVerifier({
      issuers: [
        {
          issuer: idp.issuer,
          audience: idp.audience,
          groupsClaim: idp.groupsClaim,
          groupMappings: [{ when: { repository: 'acme/app', ref: 'refs/heads/main' }, groups: ['llm-users', 'ci'] }],
        },
      ],
      fetcher: idp.fetcher,
    });
  });

  afterAll(async () => {
    await idp.close();
  });

  const refusal = async (token: string): Promise<AirlockError> => {
    const err = await verifier.verify(token).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(err instanceof AirlockError)) throw new Error(`expected an AirlockError, got ${String(err)}`);
    return err;
  };

  describe('accepts', () => {
    it('a client-credentials token from the issuer, with its groups, keys found through discovery', async () => {
      const token = await idp.clientCredentialsToken('analyst-app');

      const principal = await verifier.verify(token);

      expect(principal).toMatchObject({ issuer: idp.issuer, sub: 'analyst-app', clientId: 'analyst-app', groups: ['llm-users', 'analysts'] });
      expect(principal.claims).toMatchObject({ aud: idp.audience, scope: 'airlock/invoke' });
    });

    it('a CI token without a groups claim, mapping its repository and ref to groups', async () => {
      const token = await idp.clientCredentialsToken('ci-job');

      const principal = await verifier.verify(token);

      expect(principal.groups).toEqual(['llm-users', 'ci']);
      expect(principal.claims).toMatchObject({ repository: 'acme/app', ref: 'refs/heads/main' });
    });

    it('a CI token from another branch, but maps it to no group', async () => {
      const token = await idp.forge({ claims: { groups: undefined, repository: 'acme/app', ref: 'refs/heads/feature' } });

      const principal = await verifier.verify(token);

      expect(principal.groups).toEqual([]);
    });
  });

  describe('refuses with 401 invalid_token', () => {
    it.each([
      ['an expired token', { claims: { iat: now() - 7200, exp: now() - 3600 } }, 'The bearer token has expired.'],
      ['a token that is not valid yet', { claims: { nbf: now() + 3600 } }, 'The bearer token is not valid yet.'],
      ['a token for another audience', { claims: { aud: 'https://elsewhere.test' } }, 'The bearer token is for another audience.'],
      ['a token from an issuer that is not trusted', { claims: { iss: 'https://impostor.test' } }, 'The bearer token was issued by an issuer that is not trusted.'],
      ['a token signed by a key the issuer never published', { key: 'other' as const }, 'The bearer token is signed with a key the issuer does not publish.'],
      ['an unsigned token (alg none)', { alg: 'none' as const }, 'The bearer token is unsigned (alg none), which is never accepted.'],
      ['a token without expiry', { claims: { exp: undefined } }, 'The bearer token has no expiry (exp).'],
      ['a token without subject', { claims: { sub: undefined } }, 'The bearer token has no subject (sub).'],
    ])('%s', async (_case, forgeOptions, message) => {
      const token = await idp.forge(forgeOptions);

      const err = await refusal(token);

      expect({ status: err.status, code: err.code, message: err.message }).toEqual({ status: 401, code: 'invalid_token', message });
    });

    it('a token signed by another key under the issuer key id', async () => {
      const token = await idp.forge({ key: 'other', kid: idp.kid });

      const err = await refusal(token);

      expect([err.status, err.message]).toEqual([401, 'The bearer token signature is invalid.']);
    });

    it('a real token the issuer minted for another audience', async () => {
      const token = await idp.clientCredentialsToken('analyst-app', { resource: OTHER_AUDIENCE });

      const err = await refusal(token);

      expect([err.status, err.message]).toEqual([401, 'The bearer token is for another audience.']);
    });

    it('a real token whose payload was altered after signing', async () => {
      const [header, payload, signature] = (await idp.clientCredentialsToken('marketing-app')).split('.');
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
      const altered = Buffer.from(JSON.stringify({ ...claims, groups: ['llm-users'] })).toString('base64url');

      const err = await refusal(`${header}.${altered}.${signature}`);

      expect([err.status, err.message]).toEqual([401, 'The bearer token signature is invalid.']);
    });

    it.each([['not-a-jwt'], ['a.b.c'], ['eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln']])('a malformed token (%s)', async (token) => {
      const err = await refusal(token);

      expect([err.status, err.code, err.message]).toEqual([401, 'invalid_token', 'The bearer token is malformed.']);
    });

    it('without echoing the token or its claims in the error', async () => {
      const token = await idp.forge({ claims: { exp: now() - 3600, sub: 'secret-subject-42' } });

      const err = await refusal(token);

      const rendered = JSON.stringify(err.toJSON()) + err.message;
      expect(rendered).not.toContain(token.split('.')[1]);
      expect(rendered).not.toContain('secret-subject-42');
      expect(err.headers).toEqual({ 'www-authenticate': 'Bearer' });
    });
  });

  describe('group check', () => {
    const policy = policyFromObject({ version: 1, access: { groups: ['llm-users'] } });

    it('lets a caller in an access group through with its group policy', async () => {
      const principal = await verifier.verify(await idp.clientCredentialsToken('analyst-app'));

      const groupPolicy = assertCanInvoke(principal, policy);

      expect(groupPolicy.models.allow).toEqual(['*']);
    });

    it('answers 403 forbidden to a valid token whose groups are in none of the access groups', async () => {
      const principal = await verifier.verify(await idp.clientCredentialsToken('marketing-app'));

      const attempt = () => assertCanInvoke(principal, policy);

      expect(attempt).toThrow(expect.objectContaining({ status: 403, code: 'forbidden' }));
    });
  });

  describe('when the issuer keys cannot be fetched', () => {
    it('answers 503 rather than blaming the token, without trusting the test certificate globally', async () => {
      const untrusting = createTokenVerifier({ issuers: [{ issuer: idp.issuer, audience: idp.audience }] });
      const token = await idp.clientCredentialsToken('analyst-app');

      const err = await untrusting.verify(token).catch((e: unknown) => e);

      expect(err).toMatchObject({ status: 503, code: 'auth_unavailable' });
    });
  });
});

function now(): number {
  return Math.floor(Date.now() / 1000);
}
