import { prefixedToken } from '../support';

/** Mailgun private API keys and public validation keys. */
export const mailgunKey = prefixedToken({
  type: 'mailgun_key',
  priority: 80,
  prefixes: ['key-', 'pubkey-'],
  body: '[a-f0-9]{32}',
  maxBody: 32,
});
