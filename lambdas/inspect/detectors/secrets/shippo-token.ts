import { prefixedToken } from '../support';

/** Shippo live and test tokens. */
export const shippoToken = prefixedToken({
  type: 'shippo_token',
  priority: 80,
  prefixes: ['shippo_live_', 'shippo_test_'],
  body: '[a-f0-9]{40}',
  maxBody: 40,
});
