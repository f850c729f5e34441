import { prefixedToken } from '../support';

/** Duffel live and test tokens. */
export const duffelToken = prefixedToken({
  type: 'duffel_token',
  priority: 80,
  prefixes: ['duffel_test_', 'duffel_live_'],
  body: '[A-Za-z0-9_=-]{43}',
  maxBody: 43,
  notFollowedBy: 'A-Za-z0-9_=-',
});
