import { prefixedToken } from '../support';

/** Frame.io API tokens. */
export const frameioToken = prefixedToken({
  type: 'frameio_token',
  priority: 80,
  prefixes: ['fio-u-'],
  body: '[A-Za-z0-9_=-]{64}',
  maxBody: 64,
  notFollowedBy: 'A-Za-z0-9_=-',
});
