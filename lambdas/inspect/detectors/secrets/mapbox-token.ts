import { prefixedToken } from '../support';

/** Mapbox access tokens. */
export const mapboxToken = prefixedToken({
  type: 'mapbox_token',
  priority: 80,
  prefixes: ['pk.', 'sk.'],
  body: '[A-Za-z0-9]{60}\\.[A-Za-z0-9]{22}|eyJ[A-Za-z0-9_-]{20,150}\\.[A-Za-z0-9_-]{22}',
  maxBody: 200,
  notFollowedBy: 'A-Za-z0-9_-',
});
