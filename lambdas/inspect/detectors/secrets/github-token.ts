import { base62, crc32 } from '../checksum';
import { entropy, prefixedToken } from '../support';

/**
 * GitHub tokens (classic PAT, OAuth, user-to-server, server-to-server, refresh). Their last six
 * characters are a base62 CRC32 of the random part: a valid checksum settles it; without one the
 * token must still look random, which keeps `ghp_xxxx…` style examples out.
 */
export const githubToken = prefixedToken({
  type: 'github_token',
  priority: 80,
  prefixes: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'],
  body: '[A-Za-z0-9]{36}',
  maxBody: 36,
  validate: (token) => {
    const random = token.slice(4, 34);
    return base62(crc32(random), 6) === token.slice(34) || entropy(random) > 3.5;
  },
});
