import { charClasses, prefixedToken } from '../support';

/** OpenAI keys: legacy `sk-…T3BlbkFJ…`, project, service-account and admin keys. */
export const openaiApiKey = prefixedToken({
  type: 'openai_api_key',
  priority: 80,
  prefixes: ['sk-proj-', 'sk-svcacct-', 'sk-admin-', 'sk-None-', 'sk-'],
  body: '[A-Za-z0-9_-]{20,200}',
  maxBody: 200,
  notFollowedBy: 'A-Za-z0-9_-',
  validate: (token) => token.includes('T3BlbkFJ') || (!token.startsWith('sk-ant-') && charClasses(token.slice(3)) >= 2 && /[0-9]/.test(token)),
});
