import { prefixedToken } from '../support';

/** Slack incoming webhooks and workflow triggers: the URL path is the credential. */
export const slackWebhook = prefixedToken({
  type: 'slack_webhook_url',
  priority: 80,
  prefixes: ['hooks.slack.com/services/', 'hooks.slack.com/workflows/', 'hooks.slack.com/triggers/'],
  body: '[A-Za-z0-9+/_-]{20,120}',
  maxBody: 120,
  midWord: true,
  notFollowedBy: 'A-Za-z0-9+/_-',
});
