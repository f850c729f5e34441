import { prefixedToken } from './support';

/** Slack bot, user, app, legacy and configuration tokens. */
export const slackToken = prefixedToken({
  type: 'slack_token',
  priority: 80,
  prefixes: ['xoxb-', 'xoxp-', 'xoxa-', 'xoxo-', 'xoxs-', 'xoxr-', 'xoxe.xoxp-', 'xoxe.xoxb-', 'xoxe-', 'xapp-'],
  body: '[0-9A-Za-z][0-9A-Za-z-]{8,250}',
  maxBody: 251,
  notFollowedBy: 'A-Za-z0-9-',
});
