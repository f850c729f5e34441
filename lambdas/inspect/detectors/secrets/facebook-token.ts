import { prefixedToken } from '../support';

/** Facebook (Meta) page and user access tokens. */
export const facebookToken = prefixedToken({
  type: 'facebook_token',
  priority: 80,
  prefixes: ['EAAM', 'EAAC', 'EAAG'],
  body: '[A-Za-z0-9]{100,400}',
  maxBody: 400,
});
