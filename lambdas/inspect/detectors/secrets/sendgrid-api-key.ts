import { entropyOver, prefixedToken } from '../support';

/** SendGrid API keys. */
export const sendgridApiKey = prefixedToken({
  type: 'sendgrid_api_key',
  priority: 80,
  prefixes: ['SG.'],
  body: '[A-Za-z0-9=_-]{20,24}\\.?[A-Za-z0-9=_-]{20,48}',
  maxBody: 73,
  notFollowedBy: 'A-Za-z0-9=_-',
  validate: entropyOver(3.5),
});
