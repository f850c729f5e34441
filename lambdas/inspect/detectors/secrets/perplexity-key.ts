import { prefixedToken } from '../support';

/** Perplexity API keys. */
export const perplexityKey = prefixedToken({
  type: 'perplexity_api_key',
  priority: 80,
  prefixes: ['pplx-'],
  body: '[A-Za-z0-9]{48}',
  maxBody: 48,
});
