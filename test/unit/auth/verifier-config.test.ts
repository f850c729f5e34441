import { verifierOptionsFromConfig } from '../../../lambdas/auth/verifier-config';
import { readConfig } from '../../../lambdas/shared/config';

describe('verifier options from the runtime configuration', () => {
  it('trusts the Cognito pool with its app clients and group mappings, and every configured OIDC issuer', () => {
    const config = readConfig('authorizer', {
      AIRLOCK_COGNITO_USER_POOL_ID: 'eu-west-1_AbCdEf123',
      AIRLOCK_COGNITO_CLIENT_IDS: 'web, ci',
      AIRLOCK_COGNITO_GROUP_MAPPINGS: JSON.stringify([{ when: { scope: 'airlock/invoke' }, groups: ['ci'] }]),
      AIRLOCK_OIDC_ISSUERS: JSON.stringify([
        {
          issuer: 'https://token.actions.githubusercontent.com',
          audience: 'https://airlock.example.test',
          groupMappings: [{ when: { repository_owner: 'acme' }, groups: ['llm-users'] }],
        },
      ]),
    });

    const options = verifierOptionsFromConfig(config);

    expect(options.cognito).toEqual({
      userPoolId: 'eu-west-1_AbCdEf123',
      clientIds: ['web', 'ci'],
      groupMappings: [{ when: { scope: 'airlock/invoke' }, groups: ['ci'] }],
    });
    expect(options.issuers).toEqual([
      expect.objectContaining({ issuer: 'https://token.actions.githubusercontent.com', groupsClaim: 'groups', groupMappings: [expect.anything()] }),
    ]);
  });

  it('adds the issuers the caller brings (the local dev issuer) and no Cognito pool when none is set', () => {
    const options = verifierOptionsFromConfig(readConfig('authorizer', {}), [{ issuer: 'http://localhost/airlock-dev-issuer', audience: 'airlock-local', jwks: { keys: [] } }]);

    expect(options.cognito).toBeUndefined();
    expect(options.issuers?.map((i) => i.issuer)).toEqual(['http://localhost/airlock-dev-issuer']);
  });

  it('refuses a group mapping without a condition', () => {
    expect(() => readConfig('authorizer', { AIRLOCK_COGNITO_GROUP_MAPPINGS: JSON.stringify([{ when: {}, groups: ['ci'] }]) })).toThrow(
      /AIRLOCK_COGNITO_GROUP_MAPPINGS\[0\]\.when: needs at least one claim/,
    );
  });
});
