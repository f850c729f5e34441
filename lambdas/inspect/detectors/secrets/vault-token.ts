import { prefixedToken } from '../support';

/** HashiCorp Vault service, batch and recovery tokens. */
export const vaultToken = prefixedToken({
  type: 'vault_token',
  priority: 80,
  prefixes: ['hvs.', 'hvb.', 'hvr.'],
  body: '[A-Za-z0-9_-]{24,400}',
  maxBody: 400,
  notFollowedBy: 'A-Za-z0-9_-',
});
