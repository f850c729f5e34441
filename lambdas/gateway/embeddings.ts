import { validateEmbeddingsRequest } from './chat-request';
import { definedOnly, numberOr, type ChatApi } from './chat-api';
import { OPENAI_CHAT } from './chat-completions';
import { chatProxy } from './chat-proxy';

/**
 * OpenAI Embeddings through the control point: every input string is masked and risk-scored like
 * a user turn before it leaves (token arrays are numbers and pass as they are); never streamed.
 */
export const OPENAI_EMBEDDINGS: ChatApi = {
  ...OPENAI_CHAT,
  route: 'POST /v1/embeddings',
  upstreamPath: '/embeddings',
  validate: validateEmbeddingsRequest,
  holdable: false,
  usageOf(body) {
    const u = (body as { usage?: Record<string, unknown> } | null)?.usage;
    if (!u || typeof u !== 'object') return undefined;
    return definedOnly({ promptTokens: numberOr(u.prompt_tokens), totalTokens: numberOr(u.total_tokens) });
  },
};

export const embeddings = /* @__PURE__ */ chatProxy(OPENAI_EMBEDDINGS);
