import type { ResponseSink } from '../gateway/http';

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
