import { entropyOver, prefixedToken } from '../support';

/** Twitter / X app bearer tokens. */
export const twitterBearerToken = prefixedToken({
  type: 'twitter_bearer_token',
  priority: 80,
  prefixes: ['AAAAAAAAAAAAAAAAAAAAA'],
  body: '[A-Za-z0-9%]{60,200}',
  maxBody: 200,
  validate: entropyOver(3.5),
});
