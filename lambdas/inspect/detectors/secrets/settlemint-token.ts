import { prefixedToken } from '../support';

/** SettleMint application, personal and service tokens. */
export const settlemintToken = prefixedToken({
  type: 'settlemint_token',
  priority: 80,
  prefixes: ['sm_aat_', 'sm_pat_', 'sm_sat_'],
  body: '[A-Za-z0-9]{16}',
  maxBody: 16,
});
