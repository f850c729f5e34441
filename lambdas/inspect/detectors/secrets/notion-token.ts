import { prefixedToken } from '../support';

/** Notion integration tokens. */
export const notionToken = prefixedToken({
  type: 'notion_token',
  priority: 80,
  prefixes: ['ntn_', 'secret_'],
  body: '[0-9]{11}[A-Za-z0-9]{35}|[A-Za-z0-9]{43}',
  maxBody: 46,
});
