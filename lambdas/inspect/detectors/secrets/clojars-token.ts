import { prefixedToken } from '../support';

/** Clojars deploy tokens. */
export const clojarsToken = prefixedToken({
  type: 'clojars_token',
  priority: 80,
  prefixes: ['CLOJARS_'],
  body: '[a-z0-9]{60}',
  maxBody: 60,
});
