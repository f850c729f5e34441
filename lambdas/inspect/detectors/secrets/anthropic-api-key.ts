import { prefixedToken } from '../support';

/** Anthropic API and admin keys: `sk-ant-<kind><2 digits>-` + 93 characters + `AA`. */
export const anthropicApiKey = prefixedToken({
  type: 'anthropic_api_key',
  priority: 85,
  prefixes: ['sk-ant-api', 'sk-ant-admin', 'sk-ant-sid', 'sk-ant-oat', 'sk-ant-ort'],
  body: '[0-9]{2}-[A-Za-z0-9_-]{93}AA',
  maxBody: 98,
  notFollowedBy: 'A-Za-z0-9_-',
});
