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
  body: Record<string, unknown>;
  stream: boolean;
  signal?: AbortSignal;
}

export interface ChatProvider {
  readonly name: string;
  call(request: UpstreamCall): Promise<UpstreamResult>;
  listModels(signal?: AbortSignal): Promise<string[]>;
}
