import { prefixedToken } from '../support';

/** Heroku platform API keys (new format). */
export const herokuKey = prefixedToken({
  type: 'heroku_api_key',
  priority: 80,
  prefixes: ['HRKU-'],
  body: '[A-Za-z0-9_-]{60}',
  maxBody: 60,
  notFollowedBy: 'A-Za-z0-9_-',
});
