import { entropyOver, prefixedToken } from '../support';

/** API keys of AI platforms with a fixed prefix: Replicate, Groq, xAI, Fireworks, Cohere trial, OpenRouter. */
export const aiVendorKey = prefixedToken({
  type: 'ai_vendor_api_key',
  priority: 80,
  prefixes: ['r8_', 'gsk_', 'xai-', 'fw_', 'sk-or-v1-'],
  body: '[A-Za-z0-9_-]{32,100}',
  maxBody: 100,
  notFollowedBy: 'A-Za-z0-9_-',
  validate: entropyOver(3.5),
});
