import { prefixedToken } from '../support';

/** Flutterwave public, secret and encryption keys. */
export const flutterwaveKey = prefixedToken({
  type: 'flutterwave_key',
  priority: 80,
  prefixes: ['FLWPUBK_TEST-', 'FLWSECK_TEST-', 'FLWPUBK-', 'FLWSECK-', 'FLWSECK_TEST'],
  body: '[a-hA-H0-9]{32}-X|[a-hA-H0-9]{12}',
  maxBody: 34,
});
