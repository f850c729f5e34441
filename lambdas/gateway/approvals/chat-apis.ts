import type { ChatFormat } from '../../inspect/types';
import type { ChatApi } from '../chat-api';
import { OPENAI_CHAT } from '../chat-completions';
import { ANTHROPIC_MESSAGES } from '../messages';

/** The wire format's API description (envelopes, frames, usage), shared with the proxy. */
export const chatApiFor = (format: ChatFormat): ChatApi => (format === 'anthropic' ? ANTHROPIC_MESSAGES : OPENAI_CHAT);

/** The format of a chat route by its path. */
export const chatApiForPath = (path: string): ChatApi => chatApiFor(path.replace(/\/+$/, '').endsWith('/messages') ? 'anthropic' : 'openai');
