import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { createTokenVerifier, type CognitoUserPool } from '../../../lambdas/auth/verifier';

/**
 * Cognito cannot run here, so these tokens are shaped like the pool's own (claims as Cognito
 * documents them) and signed with a key handed to the verifier as the pool's JWKS.
 */
const POOL_ID = 'eu-west-1_AbCdEf123';
const REGIONAL_ISSUER = `https://cognito-idp.eu-west-1.amazonaws.com/${POOL_ID}`;
const GLOBAL_ISSUER = `https://issuer-cognito-idp.eu-west-1.amazonaws.com/${POOL_ID}`;
const HOSTED_UI_CLIENT = 'hostedui1234567890abcdefgh';
const CI_CLIENT = 'ciclient1234567890abcdefgh';

describe('token verifier for the Cognito user pool', () => {
  let signingKey: CryptoKey;
  let kid: string;
  let jwks: Jwks;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    signingKey = pair.privateKey;
    kid = randomUUID();
    jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig', kty: 'RSA' }] };
  });

  const verifierFor = (pool: Partial<CognitoUserPool> = {}) =>
    createTokenVerifier({
      cognito: {
        userPoolId: POOL_ID,
        clientIds: [HOSTED_UI_CLIENT, CI_CLIENT],
        groupMappings: [{ when: { scope: 'airlock/invoke' }, groups: ['llm-users', 'ci'] }],
        jwks,
        ...pool,
      },
    });

  const cognitoToken = (claims: Record<string, unknown>) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: REGIONAL_ISSUER, iat: now, auth_time: now, exp: now + 3600, jti: randomUUID(), ...claims })
      .setProtectedHeader({ alg: 'RS256', kid })
      .sign(signingKey);
  };

  const clientCredentialsClaims = { sub: CI_CLIENT, client_id: CI_CLIENT, token_use: 'access', scope: 'airlock/invoke', version: 2 };

  it('maps a CI client-credentials access token (no groups claim) to groups by its scope', async () => {
    const token = await cognitoToken(clientCredentialsClaims);

    const principal = await verifierFor().verify(token);

    expect(principal).toMatchObject({ issuer: REGIONAL_ISSUER, sub: CI_CLIENT, clientId: CI_CLIENT, groups: ['llm-users', 'ci'] });
    expect(principal.claims).toMatchObject({ token_use: 'access', scope: 'airlock/invoke' });
  });

  it("reads a user's groups from cognito:groups in an ID token", async () => {
    const token = await cognitoToken({
      sub: 'a1b2c3',
      aud: HOSTED_UI_CLIENT,
      token_use: 'id',
      'cognito:groups': ['approvers'],
      'cognito:username': 'dana',
      email: 'dana@example.test',
      email_verified: true,
    });

    const principal = await verifierFor().verify(token);

    expect(principal).toMatchObject({ sub: 'a1b2c3', email: 'dana@example.test', groups: ['approvers'] });
    expect(principal.clientId).toBeUndefined();
    expect(principal.claims).toMatchObject({ 'cognito:username': 'dana', aud: HOSTED_UI_CLIENT });
  });

  it('accepts the global issuer format Cognito may put in iss', async () => {
    const token = await cognitoToken({ ...clientCredentialsClaims, iss: GLOBAL_ISSUER });

    const principal = await verifierFor().verify(token);

    expect(principal.issuer).toBe(GLOBAL_ISSUER);
  });

  it('refuses a token issued to an app client that is not configured', async () => {
    const token = await cognitoToken({ ...clientCredentialsClaims, sub: 'stranger', client_id: 'strangerclient1234567890ab' });

    await expect(verifierFor().verify(token)).rejects.toMatchObject({
      status: 401,
      message: 'The bearer token was issued to a client that is not accepted.',
    });
  });

  it('refuses an ID token where only access tokens are accepted', async () => {
    const token = await cognitoToken({ sub: 'a1b2c3', aud: HOSTED_UI_CLIENT, token_use: 'id' });

    await expect(verifierFor({ tokenUse: 'access' }).verify(token)).rejects.toMatchObject({
      status: 401,
      message: 'The bearer token is of a type (token_use) that is not accepted.',
    });
  });

  it('refuses a token of another user pool', async () => {
    const token = await cognitoToken({ ...clientCredentialsClaims, iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other9999' });

    await expect(verifierFor().verify(token)).rejects.toMatchObject({ status: 401, code: 'invalid_token' });
  });

  it('requires the app client ids to be named (or null, explicitly)', () => {
    expect(() => verifierFor({ clientIds: [] })).toThrow(/Cognito client ids are required/);
    expect(() => verifierFor({ clientIds: null })).not.toThrow();
  });
});
