import type { Fetcher } from 'aws-jwt-verify/https';
import { DiscoveryError, discoverJwksUri } from '../../../lambdas/auth/discovery';

/** Serves fixed documents by URL, as an issuer's web server would. */
const documents = (byUrl: Record<string, unknown>): Fetcher => ({
  fetch: async (uri) => {
    if (!(uri in byUrl)) throw new Error(`404 ${uri}`);
    return new TextEncoder().encode(JSON.stringify(byUrl[uri])).buffer as ArrayBuffer;
  },
});

const ISSUER = 'https://token.actions.githubusercontent.com';
const DISCOVERY_URL = `${ISSUER}/.well-known/openid-configuration`;

describe('OIDC discovery of the JWKS URI', () => {
  it("returns the jwks_uri of the issuer's discovery document", async () => {
    const fetcher = documents({ [DISCOVERY_URL]: { issuer: ISSUER, jwks_uri: `${ISSUER}/.well-known/jwks` } });

    await expect(discoverJwksUri(ISSUER, fetcher)).resolves.toBe(`${ISSUER}/.well-known/jwks`);
  });

  it('refuses a document that names another issuer', async () => {
    const fetcher = documents({ [DISCOVERY_URL]: { issuer: 'https://attacker.example', jwks_uri: 'https://attacker.example/jwks' } });

    await expect(discoverJwksUri(ISSUER, fetcher)).rejects.toThrow(new DiscoveryError(`discovery document of ${ISSUER} names another issuer`));
  });

  it('refuses a jwks_uri that is not https', async () => {
    const fetcher = documents({ [DISCOVERY_URL]: { issuer: ISSUER, jwks_uri: 'http://token.actions.githubusercontent.com/jwks' } });

    await expect(discoverJwksUri(ISSUER, fetcher)).rejects.toThrow(`jwks_uri of ${ISSUER} is not https`);
  });

  it('reports an unreachable or unreadable document as a discovery failure', async () => {
    await expect(discoverJwksUri(ISSUER, documents({}))).rejects.toBeInstanceOf(DiscoveryError);
    await expect(discoverJwksUri(ISSUER, documents({ [DISCOVERY_URL]: { issuer: ISSUER } }))).rejects.toThrow('has no valid jwks_uri');
  });
});
