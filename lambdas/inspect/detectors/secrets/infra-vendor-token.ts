import { entropyOver, prefixedToken } from '../support';

/** Tokens of hosting and infrastructure platforms with a fixed prefix: Supabase, Netlify, Tailscale, Figma, Render, Atlassian API tokens. */
export const infraVendorToken = prefixedToken({
  type: 'infra_vendor_token',
  priority: 80,
  prefixes: ['sbp_', 'nfp_', 'tskey-', 'figd_', 'rnd_', 'ATATT3', 'ATCTT3'],
  body: '[A-Za-z0-9_=-]{30,200}',
  maxBody: 200,
  notFollowedBy: 'A-Za-z0-9_=-',
  validate: entropyOver(3.5),
});
