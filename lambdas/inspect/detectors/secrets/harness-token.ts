import { prefixedToken } from '../support';

/** Harness personal and service account tokens. */
export const harnessToken = prefixedToken({
  type: 'harness_token',
  priority: 80,
  prefixes: ['pat.', 'sat.'],
  body: '[A-Za-z0-9_-]{22}\\.[A-Za-z0-9]{24}\\.[A-Za-z0-9]{20}',
  maxBody: 68,
});
