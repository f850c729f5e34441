import { prefixedToken } from '../support';

/** DigitalOcean personal, OAuth and refresh tokens. */
export const digitaloceanToken = prefixedToken({
  type: 'digitalocean_token',
  priority: 80,
  prefixes: ['dop_v1_', 'doo_v1_', 'dor_v1_'],
  body: '[a-f0-9]{64}',
  maxBody: 64,
});
