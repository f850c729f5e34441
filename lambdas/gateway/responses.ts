import { validateResponsesRequest } from './chat-request';
import { definedOnly, numberOr, type ChatApi } from './chat-api';
import { OPENAI_CHAT } from './chat-completions';
import { chatProxy } from './chat-proxy';

type Obj = Record<string, unknown>;

/**
 * The OpenAI Responses API: input items inspected like chat messages, output items masked like a
 * chat answer, the typed stream events (`response.output_text.delta`, ...) through the JSON stream
 * masker's Responses format. Its stream has no `[DONE]`; an error after the start is an `error` event.
 */
export const OPENAI_RESPONSES: ChatApi = {
  ...OPENAI_CHAT,
  route: 'POST /v1/responses',
  upstreamPath: '/responses',
  validate: validateResponsesRequest,
  streamFormat: 'openai-responses',
  holdable: false,
  frame(event) {
    const type = (event as { type?: unknown } | null)?.type;
    return `event: ${typeof type === 'string' ? type : 'message'}\ndata: ${JSON.stringify(event)}\n\n`;
  },
  terminator: '',
  errorFrame: (err) => `event: error\ndata: ${JSON.stringify({ type: 'error', ...err.toJSON() })}\n\n`,
  isEmpty(event) {
    const e = event as { type?: unknown; delta?: unknown } | null;
    return typeof e?.type === 'string' && e.type.endsWith('.delta') && e.delta === '';
  },
  usageOf(body) {
    const b = body as { usage?: Obj; response?: { usage?: Obj } } | null;
    const u = b?.usage ?? b?.response?.usage;
    if (!u || typeof u !== 'object') return undefined;
    return definedOnly({ promptTokens: numberOr(u.input_tokens), completionTokens: numberOr(u.output_tokens), totalTokens: numberOr(u.total_tokens) });
  },
};

export const responses = /* @__PURE__ */ chatProxy(OPENAI_RESPONSES);
