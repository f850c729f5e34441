import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/**
 * The upstream client's HTTP layer: `node:http(s)` over one keep-alive pool per protocol, shared
 * by every provider in the process (a Lambda container keeps its connections between invocations).
 * Global `fetch` costs about three times the CPU per call for the same bytes (bench/upstream-client.ts).
 */
const POOL = { keepAlive: true, maxSockets: 128, maxFreeSockets: 32, scheduling: 'lifo' as const };
const agents = { 'http:': new HttpAgent(POOL), 'https:': new HttpsAgent(POOL) };

export interface TransportRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
  /** The caller's signal: aborting destroys the request, and the response if it has started. */
  signal?: AbortSignal;
  /** Time allowed for the response headers; past it the request is destroyed with `TransportTimeout`. */
  headersTimeoutMs: number;
}

/** Resolves with the response once its headers are in; the body is left to the caller to read. */
export async function sendRequest(request: TransportRequest): Promise<IncomingMessage> {
  const started = performance.now();
  try {
    return await sendOnce(request, request.headersTimeoutMs);
  } catch (err) {
    // A pooled connection the server closed while it sat idle (or while a Lambda was frozen)
    // fails at once with a reset; Node's advice is to send again on a fresh connection.
    const left = request.headersTimeoutMs - (performance.now() - started);
    if ((err as { reusedSocket?: boolean }).reusedSocket && (err as NodeJS.ErrnoException).code === 'ECONNRESET' && !request.signal?.aborted && left > 0) {
      return sendOnce(request, left);
    }
    throw err;
  }
}

/**
 * One timer and one abort listener per request, not `AbortSignal.any`/`AbortSignal.timeout` passed
 * as `signal`: on this path those cost more CPU than the HTTP exchange itself (bench/upstream-client.ts).
 */
function sendOnce({ method, url, headers, body, signal }: TransportRequest, headersTimeoutMs: number): Promise<IncomingMessage> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const agent = url.protocol === 'https:' ? agents['https:'] : agents['http:'];
  return new Promise<IncomingMessage>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const req = send(url, { method, headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) }, agent });
    const timer = setTimeout(() => req.destroy(new TransportTimeout(`no response headers within ${headersTimeoutMs} ms`)), headersTimeoutMs);
    const onAbort = () => req.destroy(new Error('aborted by the caller', { cause: signal?.reason }));
    signal?.addEventListener('abort', onAbort, { once: true });
    req.once('response', (response) => {
      clearTimeout(timer);
      if (signal) response.once('close', () => signal.removeEventListener('abort', onAbort));
      resolve(response);
    });
    req.once('error', (err) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      reject(Object.assign(err, { reusedSocket: req.reusedSocket }));
    });
    req.end(body);
  });
}

/** Thrown by the readers below when their time limit passes. */
export class TransportTimeout extends Error {
  override readonly name = 'TransportTimeout';
}

/** Thrown by `readText` when a body exceeds its byte limit. */
export class BodyTooLarge extends Error {
  override readonly name = 'BodyTooLarge';
}

/** The whole body as text, within `timeoutMs` and `maxBytes`; the response is destroyed on either limit. */
export function readText(response: IncomingMessage, maxBytes: number, timeoutMs: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => response.destroy(new TransportTimeout(`no complete body within ${timeoutMs} ms`)), timeoutMs);
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) return void response.destroy(new BodyTooLarge(`body exceeds ${maxBytes} bytes`));
      chunks.push(chunk);
    });
    response.once('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    response.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    response.once('close', () => {
      clearTimeout(timer);
      if (!response.complete) reject(new Error('the upstream closed the connection before the body ended'));
    });
  });
}

/**
 * The body's chunks as they come, failing with `TransportTimeout` when the upstream stays silent
 * for `idleMs`. Only the wait for the upstream is timed, not the time the consumer spends on a chunk.
 */
export async function* chunksWithIdleTimeout(response: IncomingMessage, idleMs: number): AsyncGenerator<Uint8Array> {
  const silent = () => response.destroy(new TransportTimeout(`silent for ${idleMs} ms`));
  let timer = setTimeout(silent, idleMs);
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      clearTimeout(timer);
      yield chunk;
      timer = setTimeout(silent, idleMs);
    }
  } finally {
    clearTimeout(timer);
    if (!response.complete) response.destroy();
  }
}
