import { prefixedToken } from '../support';

/** OpenShift user tokens. */
export const openshiftToken = prefixedToken({
  type: 'openshift_token',
  priority: 80,
  prefixes: ['sha256~'],
  body: '[A-Za-z0-9_-]{43}',
  maxBody: 43,
  notFollowedBy: 'A-Za-z0-9_-',
});
