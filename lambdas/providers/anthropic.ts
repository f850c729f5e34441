import { OpenAICompatibleProvider, type OpenAICompatibleOptions } from './openai-compatible';

/** Anthropic's Messages API: same HTTP mechanics, key in `x-api-key`, API version pinned. */
export function anthropicProvider(options: Omit<OpenAICompatibleOptions, 'authHeaders' | 'headers' | 'name'>): OpenAICompatibleProvider {
  return new OpenAICompatibleProvider({
    ...options,
    name: 'anthropic',
    authHeaders: (apiKey) => ({ 'x-api-key': apiKey }),
    headers: { 'anthropic-version': '2023-06-01' },
  });
}
