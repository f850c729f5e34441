import { prefixedToken } from '../support';

/** New Relic user, browser and insert keys. */
export const newRelicKey = prefixedToken({
  type: 'new_relic_key',
  priority: 80,
  prefixes: ['NRAK-', 'NRJS-', 'NRII-'],
  body: '[A-Za-z0-9-]{19,32}',
  maxBody: 32,
  notFollowedBy: 'A-Za-z0-9-',
});
