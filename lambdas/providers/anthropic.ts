import { OpenAICompatibleProvider, type OpenAICompatibleOptions } from './openai-compatible';
import type { ProviderKind } from './registry';

/** Anthropic's Messages API: same HTTP mechanics, key in `x-api-key`, API version pinned. */
export function anthropicProvider(options: Omit<OpenAICompatibleOptions, 'authHeaders' | 'headers'>): OpenAICompatibleProvider {
  return new OpenAICompatibleProvider({
    name: 'anthropic',
    ...options,
    authHeaders: (apiKey) => ({ 'x-api-key': apiKey }),
    headers: { 'anthropic-version': '2023-06-01' },
  });
}

/** `kind: anthropic`: Anthropic's Messages API. */
export const anthropicKind: ProviderKind = {
  formats: ['anthropic'],
  create: (u, s) => anthropicProvider({ name: u.name, baseUrl: u.url!, apiKey: s.apiKey, timeoutMs: s.timeoutMs, deadlineMs: s.deadlineMs, retries: s.retries }),
};
