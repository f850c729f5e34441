import { prefixedToken } from '../support';

/** Linear API keys. */
export const linearKey = prefixedToken({
  type: 'linear_api_key',
  priority: 80,
  prefixes: ['lin_api_'],
  body: '[A-Za-z0-9]{40}',
  maxBody: 40,
});
