import { prefixedToken } from '../support';

/** Google OAuth client secrets and access tokens. */
export const googleOauth = prefixedToken({
  type: 'google_oauth_credential',
  priority: 80,
  prefixes: ['GOCSPX-', 'ya29.'],
  body: '[A-Za-z0-9_-]{24,400}',
  maxBody: 400,
  notFollowedBy: 'A-Za-z0-9_-',
});
