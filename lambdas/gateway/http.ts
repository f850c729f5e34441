import type { Principal } from '../auth/principal';
import type { AirlockError } from '../shared/errors';

/** A request as the gateway sees it, whatever carried it (API Gateway event, local HTTP server). */
export interface GatewayRequest {
  method: string;
  /** Path without query string, e.g. `/v1/chat/completions`. */
  path: string;
  query: Record<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Raw body text (already size-checked by the transport). */
  body: string;
  /** Verified caller; undefined on routes that carry no bearer token (approval pages). */
  principal?: Principal;
  /** When the transport received the request, as `performance.now()` (monotonic ms). */
  receivedAt: number;
}

/**
 * Where the gateway writes its answer. `start` sends status and headers once; `write` sends body
 * text and resolves when it may write more (backpressure); `signal` aborts when the client leaves.
 */
export interface ResponseSink {
  start(status: number, headers: Record<string, string>): void;
  write(chunk: string): Promise<void>;
  end(): Promise<void>;
  readonly signal: AbortSignal;
  readonly started: boolean;
}

export const AIRLOCK_HEADERS = {
  sessionId: 'x-airlock-session-id',
  decision: 'x-airlock-decision',
  overheadMs: 'x-airlock-overhead-ms',
} as const;

export interface AirlockResponseMeta {
  sessionId: string;
  decision: string;
  overheadMs: number;
}

export function airlockHeaders(meta: AirlockResponseMeta): Record<string, string> {
  return {
    [AIRLOCK_HEADERS.sessionId]: meta.sessionId,
    [AIRLOCK_HEADERS.decision]: meta.decision,
    [AIRLOCK_HEADERS.overheadMs]: meta.overheadMs.toFixed(2),
  };
}

export async function sendJson(sink: ResponseSink, status: number, body: unknown, headers: Record<string, string> = {}): Promise<void> {
  sink.start(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  await sink.write(JSON.stringify(body));
  await sink.end();
}

export async function sendError(sink: ResponseSink, err: AirlockError, headers: Record<string, string> = {}): Promise<void> {
  await sendJson(sink, err.status, err.toJSON(), { ...err.headers, ...headers });
}

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-store',
  'x-accel-buffering': 'no',
} as const;
