import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { readText, sendRequest } from './http-transport';

/** The largest JSON answer read whole; a longer one (or a stream) is passed on as a stream. */
const WHOLE_BODY_BYTES = 1_048_576;

/**
 * A `fetch` for clients that take one (the MCP SDK's Streamable HTTP transport) over the shared
 * keep-alive `node:http` pool: global `fetch` costs about three times the CPU per exchange. Every
 * exchange, its body included, ends within `timeoutMs` (a silent upstream leaves nothing open);
 * `init.signal` aborts it as with `fetch`. A JSON answer of known, bounded length is read whole;
 * anything else (an SSE stream above all) is handed on as it arrives. A redirect is answered as the
 * 3xx it is, never followed: the credential Airlock holds for an upstream goes to the URL registered
 * for it and nowhere else.
 */
export function transportFetch(timeoutMs: number): (url: string | URL, init?: RequestInit) => Promise<Response> {
  return async (url, init = {}) => {
    const target = typeof url === 'string' ? new URL(url) : url;
    if (init.body !== undefined && init.body !== null && typeof init.body !== 'string') throw new TypeError('transportFetch sends string bodies only');
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => (headers[name] = value));
    const started = performance.now();
    const response = await sendRequest({
      method: init.method ?? 'GET',
      url: target,
      headers,
      ...(typeof init.body === 'string' ? { body: init.body } : {}),
      ...(init.signal ? { signal: init.signal } : {}),
      headersTimeoutMs: timeoutMs,
    });
    const left = Math.max(1, timeoutMs - (performance.now() - started));
    const status = response.statusCode ?? 502;
    const responseHeaders = webHeaders(response);
    const length = Number(response.headers['content-length']);
    const bodiless = status === 204 || status === 205 || status === 304 || init.method === 'HEAD' || (response.headers['content-length'] !== undefined && length === 0);
    if (bodiless) {
      // Drained, not cancelled: a cancelled body destroys the socket (the SDK cancels each 202's).
      response.resume();
      return new Response(null, { status, headers: responseHeaders });
    }
    if ((response.headers['content-type'] ?? '').startsWith('application/json') && length >= 0 && length <= WHOLE_BODY_BYTES) {
      return new Response(await readText(response, WHOLE_BODY_BYTES, left), { status, headers: responseHeaders });
    }
    const timer = setTimeout(() => response.destroy(new Error(`the exchange did not end within ${timeoutMs} ms`)), left);
    response.once('close', () => clearTimeout(timer));
    return new Response(Readable.toWeb(response) as ReadableStream<Uint8Array>, { status, headers: responseHeaders });
  };
}

function webHeaders(response: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return headers;
}
