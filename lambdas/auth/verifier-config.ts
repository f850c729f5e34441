import type { ConfigOf } from '../shared/config';
import type { TokenVerifierOptions, TrustedIssuer } from './verifier';

/** The verifier settings the runtime configuration names; `extraIssuers` lets the local runtime add its dev issuer. */
/** The identity settings every verifying function reads (the authorizer's, the approval pages', the local runtime's). */
export type IdentityConfig = Pick<ConfigOf<'authorizer'>, 'AIRLOCK_COGNITO_USER_POOL_ID' | 'AIRLOCK_COGNITO_CLIENT_IDS' | 'AIRLOCK_COGNITO_GROUP_MAPPINGS' | 'AIRLOCK_OIDC_ISSUERS'>;

export function verifierOptionsFromConfig(config: IdentityConfig, extraIssuers: readonly TrustedIssuer[] = []): TokenVerifierOptions {
  return {
    ...(config.AIRLOCK_COGNITO_USER_POOL_ID
      ? {
          cognito: {
            userPoolId: config.AIRLOCK_COGNITO_USER_POOL_ID,
            clientIds: config.AIRLOCK_COGNITO_CLIENT_IDS,
            groupMappings: config.AIRLOCK_COGNITO_GROUP_MAPPINGS,
          },
        }
      : {}),
    issuers: [...config.AIRLOCK_OIDC_ISSUERS, ...extraIssuers],
  };
}
