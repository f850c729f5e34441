import { prefixedToken } from '../support';

/**
 * Sentry auth tokens: org tokens are `sntrys_` + a base64 JSON claim (`eyJ…`) + `_` + a 43-character
 * secret; user tokens are `sntryu_` + 64 hex characters.
 */
export const sentryToken = prefixedToken({
  type: 'sentry_token',
  priority: 80,
  prefixes: ['sntrys_eyJ', 'sntryu_'],
  body: '[A-Za-z0-9+/=]{40,400}_[A-Za-z0-9+/]{43}|[a-f0-9]{64}',
  maxBody: 444,
  notFollowedBy: 'A-Za-z0-9+/=_',
});
