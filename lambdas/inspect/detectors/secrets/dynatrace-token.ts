import { prefixedToken } from '../support';

/** Dynatrace API tokens. */
export const dynatraceToken = prefixedToken({
  type: 'dynatrace_token',
  priority: 80,
  prefixes: ['dt0c01.', 'dt0s01.'],
  body: '[A-Za-z0-9]{24}\\.[A-Za-z0-9]{64}',
  maxBody: 89,
});
