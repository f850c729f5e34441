import type { ChatFormat } from '../inspect/types';

/**
 * An upstream LLM behind one interface. The gateway hands it an already-masked request body and
 * gets back either a complete JSON answer or a stream of SSE data payloads.
 */
export type UpstreamResult =
  | { kind: 'json'; body: unknown }
  | { kind: 'stream'; events: AsyncIterable<string> };

export interface UpstreamCall {
  /** The path below the upstream base URL, e.g. `/chat/completions`. */
  path: string;
  /**
   * The caller's wire format: the body comes in it and the answer must go back in it. HTTP upstreams
   * speak one format and ignore this; a translating provider (Bedrock Converse) reads it.
   */
  format?: ChatFormat;
  /**
   * The call's one deadline (a `performance.now()` instant), shared with a fallback upstream: a
   * provider stops retrying at whichever comes first, this or its own deadline.
   */
  deadlineAt?: number;
  body: Record<string, unknown>;
  stream: boolean;
  signal?: AbortSignal;
}

export interface ChatProvider {
  readonly name: string;
  call(request: UpstreamCall): Promise<UpstreamResult>;
  listModels(signal?: AbortSignal): Promise<string[]>;
}
