import { prefixedToken } from '../support';

/** ReadMe API keys. */
export const readmeKey = prefixedToken({
  type: 'readme_api_key',
  priority: 80,
  prefixes: ['rdme_'],
  body: '[a-z0-9]{70}',
  maxBody: 70,
});
