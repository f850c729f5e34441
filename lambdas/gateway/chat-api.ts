import type { ChatFormat, StreamFormat } from '../inspect/types';
import type { AirlockError } from '../shared/errors';
import type { TokenUsage } from '../store/types';
import type { ChatRequest } from './chat-request';

/** What differs between the chat wire formats the gateway speaks. */
export interface ChatApi {
  format: ChatFormat;
  /** As recorded in sessions, e.g. `POST /v1/chat/completions`. */
  route: string;
  /** Path below the upstream base URL. */
  upstreamPath: string;
  validate(raw: unknown): ChatRequest;
  /** One outgoing SSE frame for a (masked) stream event. */
  frame(event: unknown): string;
  /** Written after the last event ('' when the format has no end marker). */
  terminator: string;
  /** The body of an error response, in the format's envelope. */
  errorBody(err: AirlockError): unknown;
  /** An error sent as a stream event once the stream has started (SDKs raise it). */
  errorFrame(err: AirlockError): string;
  /**
   * True for a masked stream event that carries nothing: the masker held its whole text back.
   * Such events are not sent, so the caller never sees a burst of empty deltas.
   */
  isEmpty(event: unknown): boolean;
  /** Token usage from a complete answer or from one stream event. */
  usageOf(body: unknown): TokenUsage | undefined;
  /** The stream events' format, when it is not the chat format's own (the Responses API's typed events). */
  streamFormat?: StreamFormat;
  /**
   * `false`: the approval workflow cannot replay this route's requests (it replays chat requests), so
   * a `review` decision refuses the request instead of holding it.
   */
  holdable?: false;
  /** `false`: the route spends no tokens and does not count against rate limits and budgets (token counting). */
  limited?: false;
}

export const numberOr = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

export function definedOnly(usage: TokenUsage): TokenUsage | undefined {
  const out: TokenUsage = {};
  for (const [k, v] of Object.entries(usage) as Array<[keyof TokenUsage, number | undefined]>) if (v !== undefined) out[k] = v;
  return Object.keys(out).length ? out : undefined;
}
