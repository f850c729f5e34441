import { prefixedToken } from '../support';

/** 1Password account secret keys and service-account tokens. */
export const onepasswordToken = prefixedToken({
  type: 'onepassword_token',
  priority: 80,
  prefixes: ['A3-', 'ops_eyJ'],
  body: '[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}|[A-Za-z0-9+/=_-]{250,1200}',
  maxBody: 1200,
  notFollowedBy: 'A-Za-z0-9+/=_-',
});
