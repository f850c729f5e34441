import { prefixedToken } from '../support';

/** RubyGems API keys. */
export const rubygemsKey = prefixedToken({
  type: 'rubygems_api_key',
  priority: 80,
  prefixes: ['rubygems_'],
  body: '[a-f0-9]{48}',
  maxBody: 48,
});
