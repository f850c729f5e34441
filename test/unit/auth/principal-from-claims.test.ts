import { principalFromClaims } from '../../../lambdas/auth/principal-from-claims';

const base = { iss: 'https://idp.example.test', sub: 'user-1', aud: 'airlock', exp: 2_000_000_000 };

describe('principal from verified claims', () => {
  it('reads groups from a nested claim given as a dotted path', () => {
    const principal = principalFromClaims({ ...base, realm_access: { roles: ['llm-users', 'offline'] } }, { groupsClaim: 'realm_access.roles' });

    expect(principal.groups).toEqual(['llm-users', 'offline']);
  });

  it('prefers a claim whose name itself contains dots (namespaced claims)', () => {
    const principal = principalFromClaims({ ...base, 'https://example.test/groups': ['auditors'] }, { groupsClaim: 'https://example.test/groups' });

    expect(principal.groups).toEqual(['auditors']);
  });

  it('takes a single-string groups claim as one group', () => {
    const principal = principalFromClaims({ ...base, groups: 'Domain Users' }, { groupsClaim: 'groups' });

    expect(principal.groups).toEqual(['Domain Users']);
  });

  it('adds the fixed groups of the issuer and those of every matching mapping, once each', () => {
    const principal = principalFromClaims(
      { ...base, groups: ['llm-users'], project_path: 'acme/app', scope: 'openid airlock/invoke' },
      {
        groupsClaim: 'groups',
        groups: ['llm-users', 'gitlab'],
        groupMappings: [
          { when: { project_path: 'acme/app' }, groups: ['ci'] },
          { when: { scope: 'airlock/invoke' }, groups: ['ci', 'invokers'] },
          { when: { scope: 'airlock' }, groups: ['never'] },
        ],
      },
    );

    expect(principal.groups).toEqual(['llm-users', 'gitlab', 'ci', 'invokers']);
  });

  it('applies a mapping only when every one of its claims matches', () => {
    const principal = principalFromClaims(
      { ...base, repository: 'acme/app', ref: 'refs/heads/feature' },
      { groupsClaim: 'groups', groupMappings: [{ when: { repository: 'acme/app', ref: 'refs/heads/main' }, groups: ['ci'] }] },
    );

    expect(principal.groups).toEqual([]);
  });

  it('keeps a verified email and drops one the issuer marks unverified', () => {
    const verified = principalFromClaims({ ...base, email: 'a@example.test', email_verified: true }, { groupsClaim: 'groups' });
    const unverified = principalFromClaims({ ...base, email: 'b@example.test', email_verified: false }, { groupsClaim: 'groups' });

    expect([verified.email, unverified.email]).toEqual(['a@example.test', undefined]);
  });

  it('keeps only audit claims (and those mappings look at), shortened, for the session record', () => {
    const principal = principalFromClaims(
      { ...base, azp: 'web', nonce: 'n-0S6_WzA2Mj', at_hash: 'hash', workflow: 'x'.repeat(300), team: 'red' },
      { groupsClaim: 'groups', groupMappings: [{ when: { team: 'red' }, groups: ['red-team'] }] },
    );

    expect(Object.keys(principal.claims).sort()).toEqual(['aud', 'azp', 'exp', 'team', 'workflow']);
    expect(String(principal.claims.workflow)).toHaveLength(256);
  });

  it('refuses claims without a subject', () => {
    expect(() => principalFromClaims({ ...base, sub: '' }, { groupsClaim: 'groups' })).toThrow(
      expect.objectContaining({ status: 401, message: 'The bearer token has no subject (sub).' }),
    );
  });
});
