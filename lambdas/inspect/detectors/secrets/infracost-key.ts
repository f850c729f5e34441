import { prefixedToken } from '../support';

/** Infracost API keys. */
export const infracostKey = prefixedToken({
  type: 'infracost_api_key',
  priority: 80,
  prefixes: ['ico-'],
  body: '[A-Za-z0-9]{32}',
  maxBody: 32,
});
