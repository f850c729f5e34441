import { prefixedToken } from '../support';

/** Shopify access tokens and shared secrets. */
export const shopifyToken = prefixedToken({
  type: 'shopify_token',
  priority: 80,
  prefixes: ['shpat_', 'shpca_', 'shppa_', 'shpss_'],
  body: '[a-fA-F0-9]{32}',
  maxBody: 32,
});
