import { prefixedToken } from '../support';

/** Adobe client secrets. */
export const adobeSecret = prefixedToken({
  type: 'adobe_client_secret',
  priority: 80,
  prefixes: ['p8e-'],
  body: '[A-Za-z0-9]{32}',
  maxBody: 32,
});
