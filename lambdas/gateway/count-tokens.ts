import { validateCountTokensRequest } from './chat-request';
import type { ChatApi } from './chat-api';
import { chatProxy } from './chat-proxy';
import { ANTHROPIC_MESSAGES } from './messages';

/**
 * Anthropic token counting (`POST /v1/messages/count_tokens`, which Claude Code calls before
 * requests): the prompt leaves the gateway, so it is inspected, decided and recorded like a
 * message; it spends no tokens, so it has no usage and no cost and counts against no limit.
 */
export const ANTHROPIC_COUNT_TOKENS: ChatApi = {
  ...ANTHROPIC_MESSAGES,
  route: 'POST /v1/messages/count_tokens',
  upstreamPath: '/messages/count_tokens',
  validate: validateCountTokensRequest,
  holdable: false,
  limited: false,
  usageOf: () => undefined,
};

export const countTokens = /* @__PURE__ */ chatProxy(ANTHROPIC_COUNT_TOKENS);
