import { prefixedToken } from '../support';

/** Sourcegraph access tokens. */
export const sourcegraphToken = prefixedToken({
  type: 'sourcegraph_token',
  priority: 80,
  prefixes: ['sgp_'],
  body: '(?:[a-fA-F0-9]{16}_|local_)?[a-fA-F0-9]{40}',
  maxBody: 57,
  notFollowedBy: 'A-Za-z0-9_',
});
