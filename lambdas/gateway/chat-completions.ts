import { validateChatRequest } from './chat-request';
import { definedOnly, numberOr, type ChatApi } from './chat-api';
import { chatProxy } from './chat-proxy';

/** OpenAI Chat Completions: `data:` frames, `[DONE]` at the end, errors in the OpenAI envelope. */
export const OPENAI_CHAT: ChatApi = {
  format: 'openai',
  route: 'POST /v1/chat/completions',
  upstreamPath: '/chat/completions',
  validate: validateChatRequest,
  frame: (event) => `data: ${JSON.stringify(event)}\n\n`,
  terminator: 'data: [DONE]\n\n',
  errorBody: (err) => err.toJSON(),
  errorFrame: (err) => `data: ${JSON.stringify(err.toJSON())}\n\n`,
  isEmpty(event) {
    const e = event as { choices?: Array<{ delta?: Record<string, unknown>; finish_reason?: unknown }>; usage?: unknown } | null;
    if (!e?.choices?.length || e.usage) return false;
    return e.choices.every((c) => c.finish_reason == null && c.delta && Object.keys(c.delta).length === 1 && c.delta.content === '');
  },
  usageOf(body) {
    const u = (body as { usage?: Record<string, unknown> } | null)?.usage;
    if (!u || typeof u !== 'object') return undefined;
    return definedOnly({ promptTokens: numberOr(u.prompt_tokens), completionTokens: numberOr(u.completion_tokens), totalTokens: numberOr(u.total_tokens) });
  },
};

export const chatCompletions = /* @__PURE__ */ chatProxy(OPENAI_CHAT);
