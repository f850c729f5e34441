import type { RuntimeConfig } from '../shared/config';
import type { TokenVerifierOptions, TrustedIssuer } from './verifier';

/** The verifier settings the runtime configuration names; `extraIssuers` lets the local runtime add its dev issuer. */
export function verifierOptionsFromConfig(config: RuntimeConfig, extraIssuers: readonly TrustedIssuer[] = []): TokenVerifierOptions {
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
