import { prefixedToken } from '../support';

/** npm access tokens. */
export const npmToken = prefixedToken({
  type: 'npm_token',
  priority: 80,
  prefixes: ['npm_'],
  body: '[A-Za-z0-9]{36}',
  maxBody: 36,
});
