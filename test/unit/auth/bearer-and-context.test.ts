import { principalFromAuthorizerContext, principalToAuthorizerContext } from '../../../lambdas/auth/authorizer-context';
import { bearerToken } from '../../../lambdas/auth/bearer';
import type { Principal } from '../../../lambdas/auth/principal';
import { stageWildcardArn } from '../../../lambdas/aws/token-authorizer';

describe('bearer token header', () => {
  it.each([['Bearer abc.def.ghi'], ['bearer abc.def.ghi'], ['Bearer   abc.def.ghi  ']])('reads the token from %j', (header) => {
    expect(bearerToken(header)).toBe('abc.def.ghi');
  });

  it.each([
    [undefined, 'The bearer token is missing.'],
    ['   ', 'The bearer token is missing.'],
    ['Basic dXNlcjpwYXNz', 'The Authorization header is not a Bearer token.'],
    ['Bearer', 'The Authorization header is not a Bearer token.'],
    ['Bearer a b', 'The Authorization header is not a Bearer token.'],
  ])('refuses %j with 401', (header, message) => {
    expect(() => bearerToken(header)).toThrow(expect.objectContaining({ status: 401, code: 'invalid_token', message }));
  });
});

describe('authorizer context', () => {
  const principal: Principal = {
    issuer: 'https://idp.example.test',
    sub: 'ci-job',
    groups: ['llm-users'],
    clientId: 'ci-job',
    claims: { repository: 'acme/app', run_id: 42, ci: true },
  };

  it('carries the principal to the proxy unchanged', () => {
    expect(principalFromAuthorizerContext(principalToAuthorizerContext(principal))).toEqual(principal);
  });

  it.each([
    ['no context', undefined],
    ['no principal field', { principalId: 'x' }],
    ['a principal that is not JSON', { principal: '{not json' }],
    ['a principal without groups', { principal: JSON.stringify({ issuer: 'i', sub: 's', claims: {} }) }],
    ['a principal with nested claims', { principal: JSON.stringify({ ...principal, claims: { nested: { a: 1 } } }) }],
  ])('treats %s as an unauthenticated request', (_case, context) => {
    expect(() => principalFromAuthorizerContext(context)).toThrow(expect.objectContaining({ status: 401, code: 'invalid_token' }));
  });
});

describe('authorizer policy resource', () => {
  it('allows every method and path of the stage the request came to', () => {
    expect(stageWildcardArn('arn:aws:execute-api:us-east-1:123456789012:a1b2c3/prod/GET/v1/models')).toBe(
      'arn:aws:execute-api:us-east-1:123456789012:a1b2c3/prod/*',
    );
  });

  it('refuses an ARN that is not an execute-api method ARN', () => {
    expect(() => stageWildcardArn('arn:aws:lambda:us-east-1:123456789012:function:x')).toThrow(/not an execute-api method ARN/);
  });
});

describe('a vendor API key sent as the bearer token', () => {
  it('is refused with a 401 that explains what to send instead, without echoing the key', async () => {
    const { createTokenVerifier } = await import('../../../lambdas/auth/verifier');
    const { loadOrCreateDevIssuer } = await import('../../../lambdas/auth/dev-issuer');
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const issuer = await loadOrCreateDevIssuer(join(await mkdtemp(join(tmpdir(), 'airlock-key-')), 'dev-issuer.json'));
    const vendorKey = ['sk', 'proj', 'Zq81CANARYvendorKey0000'].join('-');

    const attempt = createTokenVerifier({ issuers: [issuer.trustedIssuer] }).verify(vendorKey);

    await expect(attempt).rejects.toMatchObject({ status: 401, message: expect.stringContaining('looks like a vendor API key') });
    await expect(attempt).rejects.toMatchObject({ message: expect.not.stringContaining(vendorKey) });
  });
});
