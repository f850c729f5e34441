import { prefixedToken } from '../support';

/** Defined Networking (Nebula) API tokens. */
export const definedNetworkingToken = prefixedToken({
  type: 'defined_networking_token',
  priority: 80,
  prefixes: ['dnkey-'],
  body: '[A-Za-z0-9=_-]{26}-[A-Za-z0-9=_-]{52}',
  maxBody: 79,
  notFollowedBy: 'A-Za-z0-9=_-',
});
