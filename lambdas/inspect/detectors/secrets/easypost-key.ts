import { prefixedToken } from '../support';

/** EasyPost production and test API keys. */
export const easypostKey = prefixedToken({
  type: 'easypost_api_key',
  priority: 80,
  prefixes: ['EZAK', 'EZTK'],
  body: '[A-Za-z0-9]{54}',
  maxBody: 54,
});
