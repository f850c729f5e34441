import { prefixedToken } from '../support';

/** Square access tokens and OAuth secrets. */
export const squareToken = prefixedToken({
  type: 'square_token',
  priority: 80,
  prefixes: ['sq0atp-', 'sq0csp-', 'EAAA'],
  body: '[A-Za-z0-9_-]{22,60}',
  maxBody: 60,
  notFollowedBy: 'A-Za-z0-9_-',
});
