import { prefixedToken } from '../support';

/** age encryption secret keys (bech32). */
export const ageSecretKey = prefixedToken({
  type: 'age_secret_key',
  priority: 80,
  prefixes: ['AGE-SECRET-KEY-1'],
  body: '[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}',
  maxBody: 58,
  allowRepeats: true,
});
