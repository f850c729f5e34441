import { prefixedToken } from '../support';

/** PlanetScale passwords, service tokens and OAuth tokens. */
export const planetscaleToken = prefixedToken({
  type: 'planetscale_token',
  priority: 80,
  prefixes: ['pscale_pw_', 'pscale_tkn_', 'pscale_oauth_'],
  body: '[A-Za-z0-9=._-]{32,64}',
  maxBody: 64,
  notFollowedBy: 'A-Za-z0-9=._-',
});
