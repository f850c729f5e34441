import { prefixedToken } from '../support';

/** Postman API keys. */
export const postmanKey = prefixedToken({
  type: 'postman_api_key',
  priority: 80,
  prefixes: ['PMAK-'],
  body: '[a-f0-9]{24}-[a-f0-9]{34}',
  maxBody: 59,
});
