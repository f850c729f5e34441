import { prefixedToken } from '../support';

/**
 * Slack tokens. Bot, user and legacy tokens carry numeric team/user ids after the prefix
 * (`xoxb-<digits>-…`), which keeps words such as `xoxo-indieweb` out; configuration and refresh
 * tokens (`xoxe…-1-…`) and app-level tokens (`xapp-1-…`) are long and random.
 */
export const slackToken = prefixedToken({
  type: 'slack_token',
  priority: 80,
  prefixes: ['xoxb-', 'xoxp-', 'xoxa-', 'xoxo-', 'xoxs-', 'xoxr-', 'xoxe.xoxp-', 'xoxe.xoxb-', 'xoxe-', 'xapp-'],
  body: '(?:[0-9]{1,2}-)?[0-9]{6,16}-[0-9A-Za-z-]{6,250}|1-[A-Za-z0-9]{60,400}|[0-9]-[A-Z0-9]{9,12}-[0-9]{9,14}-[a-z0-9]{32,80}',
  maxBody: 400,
  notFollowedBy: 'A-Za-z0-9-',
});
