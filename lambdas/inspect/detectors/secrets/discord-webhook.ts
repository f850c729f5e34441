import { prefixedToken } from '../support';

/** Discord webhooks: the id and token in the URL path. */
export const discordWebhook = prefixedToken({
  type: 'discord_webhook_url',
  priority: 80,
  prefixes: ['discord.com/api/webhooks/', 'discordapp.com/api/webhooks/'],
  body: '[0-9]{17,20}/[A-Za-z0-9_-]{60,68}',
  maxBody: 90,
  notFollowedBy: 'A-Za-z0-9_-',
  midWord: true,
});
