import { prefixedToken } from '../support';

/** PyPI upload tokens (macaroons for pypi.org). */
export const pypiToken = prefixedToken({
  type: 'pypi_token',
  priority: 80,
  prefixes: ['pypi-AgE'],
  body: '[A-Za-z0-9_-]{50,300}',
  maxBody: 300,
  notFollowedBy: 'A-Za-z0-9_-',
});
