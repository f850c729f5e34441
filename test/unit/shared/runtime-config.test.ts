import { readConfig } from '../../../lambdas/shared/config';

describe('runtime configuration', () => {
  it('names each wrong field of AIRLOCK_OIDC_ISSUERS by its path instead of dumping the schema', () => {
    const read = () => readConfig('authorizer', { AIRLOCK_OIDC_ISSUERS: JSON.stringify([{ issuer: 'https://idp.example', groupsClaim: 5 }]) });

    expect(read).toThrow(/AIRLOCK_OIDC_ISSUERS\[0\]\.audience: expected a string, a list of strings, or null/);
    expect(read).toThrow(/AIRLOCK_OIDC_ISSUERS\[0\]\.groupsClaim: /);
  });

  it('says when AIRLOCK_OIDC_ISSUERS is not JSON at all', () => {
    expect(() => readConfig('authorizer', { AIRLOCK_OIDC_ISSUERS: '[{' })).toThrow(/AIRLOCK_OIDC_ISSUERS is not valid JSON/);
  });

  it('accepts a valid issuer list', () => {
    const config = readConfig('authorizer', { AIRLOCK_OIDC_ISSUERS: JSON.stringify([{ issuer: 'https://idp.example', audience: 'airlock' }]) });

    expect(config.AIRLOCK_OIDC_ISSUERS).toEqual([{ issuer: 'https://idp.example', audience: 'airlock', groupsClaim: 'groups' }]);
  });
});
