import { prefixedToken } from '../support';

/** Stripe secret, restricted and publishable-live keys, live and test. */
export const stripeKey = prefixedToken({
  type: 'stripe_key',
  priority: 80,
  prefixes: ['sk_live_', 'sk_test_', 'sk_prod_', 'rk_live_', 'rk_test_', 'rk_prod_', 'pk_live_', 'whsec_'],
  body: '[A-Za-z0-9]{10,247}',
  maxBody: 247,
});
