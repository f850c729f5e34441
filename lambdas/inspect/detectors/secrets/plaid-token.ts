import { prefixedToken } from '../support';

/** Plaid access tokens: `access-<environment>-` followed by a UUID. */
export const plaidToken = prefixedToken({
  type: 'plaid_token',
  priority: 80,
  prefixes: ['access-development-', 'access-sandbox-', 'access-production-'],
  body: '[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}',
  maxBody: 36,
});
