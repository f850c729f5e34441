import { entropyOver, prefixedToken } from '../support';

/** GoCardless live access tokens. */
export const gocardlessToken = prefixedToken({
  type: 'gocardless_token',
  priority: 80,
  prefixes: ['live_', 'sandbox_'],
  body: '[A-Za-z0-9_=-]{40}',
  maxBody: 40,
  notFollowedBy: 'A-Za-z0-9_=-',
  validate: entropyOver(3.5),
});
