import { prefixedToken } from '../support';

/** Cloudflare Origin CA keys. */
export const cloudflareOriginCaKey = prefixedToken({
  type: 'cloudflare_origin_ca_key',
  priority: 80,
  prefixes: ['v1.0-'],
  body: '[a-f0-9]{24}-[a-f0-9]{140,160}',
  maxBody: 185,
});
