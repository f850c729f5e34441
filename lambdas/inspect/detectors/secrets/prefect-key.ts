import { prefixedToken } from '../support';

/** Prefect API keys. */
export const prefectKey = prefixedToken({
  type: 'prefect_api_key',
  priority: 80,
  prefixes: ['pnu_'],
  body: '[A-Za-z0-9]{36}',
  maxBody: 36,
});
