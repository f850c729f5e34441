import { prefixedToken } from '../support';

/** Microsoft Teams incoming webhooks: the URL path is the credential. */
export const teamsWebhook = prefixedToken({
  type: 'teams_webhook_url',
  priority: 80,
  prefixes: ['webhook.office.com/webhookb2/'],
  body: '[A-Za-z0-9@/_-]{60,300}',
  maxBody: 300,
  notFollowedBy: 'A-Za-z0-9@/_-',
  midWord: true,
});
