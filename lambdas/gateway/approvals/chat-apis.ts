import type { ChatFormat } from '../../inspect/types';
import type { ChatApi } from '../chat-api';
import { OPENAI_CHAT } from '../chat-completions';
import { ANTHROPIC_MESSAGES } from '../messages';

/** Every chat wire format the gateway speaks, by format: a held request names its format and is answered in it. */
export const CHAT_APIS: Record<ChatFormat, ChatApi> = {
  openai: OPENAI_CHAT,
  anthropic: ANTHROPIC_MESSAGES,
};
