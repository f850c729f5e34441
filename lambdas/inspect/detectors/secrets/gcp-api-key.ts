import { prefixedToken } from '../support';

/** Google Cloud / Firebase API keys. */
export const gcpApiKey = prefixedToken({
  type: 'gcp_api_key',
  priority: 80,
  prefixes: ['AIza'],
  body: '[0-9A-Za-z_-]{35}',
  maxBody: 35,
  notFollowedBy: 'A-Za-z0-9_-',
});
