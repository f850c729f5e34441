import { prefixedToken } from '../support';

/** Scalingo API tokens. */
export const scalingoToken = prefixedToken({
  type: 'scalingo_token',
  priority: 80,
  prefixes: ['tk-us-'],
  body: '[A-Za-z0-9_-]{48}',
  maxBody: 48,
  notFollowedBy: 'A-Za-z0-9_-',
});
