import type { GatewayRequest, ResponseSink } from '../gateway/http';
import { toGatewayRequest, type ApiGatewayProxyEvent } from './api-event';

/** What an API Gateway REST Lambda proxy integration expects back (the approval pages are small, so not streamed). */
export interface ProxyResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export function bufferedSink(): ResponseSink & { result(): ProxyResult } {
  let status = 500;
  let headers: Record<string, string> = {};
  let started = false;
  let body = '';
  return {
    signal: new AbortController().signal,
    get started() {
      return started;
    },
    start(s, h) {
      status = s;
      headers = h;
      started = true;
    },
    async write(chunk) {
      body += chunk;
    },
    async end() {},
    result: () => ({ statusCode: status, headers, body }),
  };
}

/** Runs a page app on an API Gateway proxy event and returns the buffered result. */
export async function servePage(app: (req: GatewayRequest, sink: ResponseSink) => Promise<void>, event: ApiGatewayProxyEvent, maxBodyBytes: number): Promise<ProxyResult> {
  const sink = bufferedSink();
  await app(toGatewayRequest(event, maxBodyBytes, performance.now()), sink);
  return sink.result();
}

/** A cold-start build that is retried on the next invocation if it failed (e.g. Secrets Manager was unreachable). */
export function lazily<T>(build: () => Promise<T>): () => Promise<T> {
  let built: Promise<T> | undefined;
  return () =>
    (built ??= build().catch((err: unknown) => {
      built = undefined;
      throw err;
    }));
}
