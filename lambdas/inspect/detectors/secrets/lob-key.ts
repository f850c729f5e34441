import { prefixedToken } from '../support';

/** Lob live and test keys. */
export const lobKey = prefixedToken({
  type: 'lob_api_key',
  priority: 80,
  prefixes: ['live_pub_', 'test_pub_', 'live_', 'test_'],
  body: '[a-f0-9]{31,35}',
  maxBody: 35,
});
