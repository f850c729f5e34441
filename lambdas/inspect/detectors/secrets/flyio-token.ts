import { prefixedToken } from '../support';

/** Fly.io access and macaroon tokens. */
export const flyioToken = prefixedToken({
  type: 'flyio_token',
  priority: 80,
  prefixes: ['fo1_', 'fm1r_', 'fm1a_', 'fm2_'],
  body: '[A-Za-z0-9_+/=-]{40,400}',
  maxBody: 400,
  notFollowedBy: 'A-Za-z0-9_+/=-',
});
