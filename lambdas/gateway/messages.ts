import type { AirlockError } from '../shared/errors';
import { validateAnthropicRequest } from './chat-request';
import { definedOnly, numberOr, type ChatApi } from './chat-api';
import { chatProxy } from './chat-proxy';

/**
 * Anthropic Messages: `event:` + `data:` frames, no end marker, errors in Anthropic's envelope
 * (`{ type: 'error', error: { type, message } }`) with Airlock's code kept alongside.
 */
export const ANTHROPIC_MESSAGES: ChatApi = {
  format: 'anthropic',
  route: 'POST /v1/messages',
  upstreamPath: '/messages',
  validate: validateAnthropicRequest,
  frame(event) {
    const type = (event as { type?: unknown } | null)?.type;
    return `event: ${typeof type === 'string' ? type : 'message'}\ndata: ${JSON.stringify(event)}\n\n`;
  },
  terminator: '',
  errorBody: anthropicError,
  errorFrame: (err) => `event: error\ndata: ${JSON.stringify(anthropicError(err))}\n\n`,
  isEmpty(event) {
    const e = event as { type?: string; delta?: { type?: string; text?: unknown; partial_json?: unknown } } | null;
    if (e?.type !== 'content_block_delta' || !e.delta) return false;
    return (e.delta.type === 'text_delta' && e.delta.text === '') || (e.delta.type === 'input_json_delta' && e.delta.partial_json === '');
  },
  usageOf(body) {
    const b = body as { usage?: Record<string, unknown>; message?: { usage?: Record<string, unknown> } } | null;
    const u = b?.usage ?? b?.message?.usage;
    if (!u || typeof u !== 'object') return undefined;
    return definedOnly({ promptTokens: numberOr(u.input_tokens), completionTokens: numberOr(u.output_tokens) });
  },
};

function anthropicError(err: AirlockError) {
  const { error } = err.toJSON();
  const type = err.status === 401 ? 'authentication_error' : err.status === 403 ? 'permission_error' : err.status === 404 ? 'not_found_error' : err.status === 413 ? 'request_too_large' : err.status === 429 ? 'rate_limit_error' : err.status >= 500 ? 'api_error' : 'invalid_request_error';
  return { type: 'error', error: { ...error, type } };
}

export const anthropicMessages = /* @__PURE__ */ chatProxy(ANTHROPIC_MESSAGES);
