import { entropyOver, prefixedToken } from '../support';

/** Twilio API key SIDs with their secret-bearing format (SK + 32 hex). */
export const twilioApiKey = prefixedToken({
  type: 'twilio_api_key',
  priority: 80,
  prefixes: ['SK'],
  body: '[0-9a-fA-F]{32}',
  maxBody: 32,
  validate: entropyOver(3),
});
