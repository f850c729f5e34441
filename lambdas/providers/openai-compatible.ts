import type { IncomingMessage } from 'node:http';
import { AirlockError, modelNotFound, upstreamError, upstreamTimeout } from '../shared/errors';
import { BodyTooLarge, chunksWithIdleTimeout, readText, sendRequest, TransportTimeout } from './http-transport';
import { jitteredBackoffMs, RETRYABLE_STATUS, retryAfterMs, retryAfterSeconds } from './retry-policy';
import { sseDataPayloads } from './sse';
import type { ProviderKind } from './registry';
import type { ChatProvider, UpstreamCall, UpstreamResult } from './types';
import { upstreamErrorDetail } from './upstream-error-body';

export interface OpenAICompatibleOptions {
  /** e.g. `https://api.openai.com/v1`. */
  baseUrl: string;
  /** Asked on every call; the Lambda wiring caches it with a lifetime (lambdas/aws/secret-value.ts). */
  apiKey: () => Promise<string | undefined>;
  /** Time allowed for the upstream's first byte (response headers), then between two stream chunks. */
  timeoutMs: number;
  /**
   * One deadline for everything before the answer starts: every attempt, every backoff. Default
   * `timeoutMs`. A silent upstream is answered 504 at the deadline, whatever `retries` says.
   */
  deadlineMs?: number;
  /** Retries, inside the deadline, for failures before any byte came back: connection errors, timeouts, 408, 429 and 5xx. */
  retries: number;
  /** Base of the jittered exponential backoff between retries. */
  backoffMs?: number;
  /** Largest JSON answer (and error body) read from the upstream. */
  maxResponseBytes?: number;
  /** How the key is sent; default `Authorization: Bearer <key>`. */
  authHeaders?: (apiKey: string) => Record<string, string>;
  /** Fixed headers on every request (e.g. `anthropic-version`). */
  headers?: Record<string, string>;
  name?: string;
  /** Test seams: the backoff's random source and wall clock (for HTTP-date `Retry-After`). */
  random?: () => number;
  now?: () => number;
}

const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
/** An error body is only read to find the upstream's message; more than this is not an error message. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * Any OpenAI-compatible HTTP upstream over a keep-alive connection pool. The key never leaves
 * this class. A refused request (4xx) carries the upstream's own message as data for the gateway
 * to mask (`AirlockError.upstream`); its rendered message stays generic, because an upstream
 * error body can quote the gateway's credential (e.g. "Incorrect API key provided: sk-...").
 */
export class OpenAICompatibleProvider implements ChatProvider {
  readonly name: string;
  private readonly base: string;
  private readonly deadlineMs: number;

  constructor(private readonly options: OpenAICompatibleOptions) {
    this.name = options.name ?? 'openai-compatible';
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.deadlineMs = options.deadlineMs ?? options.timeoutMs;
  }

  async call(request: UpstreamCall): Promise<UpstreamResult> {
    const model = typeof request.body.model === 'string' ? request.body.model : undefined;
    const response = await this.send('POST', request.path, JSON.stringify(request.body), model, request.signal, request.deadlineAt);
    if (!request.stream || !String(response.headers['content-type'] ?? '').includes('text/event-stream')) {
      return { kind: 'json', body: await this.readJson(response, request.signal) };
    }
    return { kind: 'stream', events: sseDataPayloads(this.streamBody(response, request.signal)) };
  }

  async listModels(signal?: AbortSignal): Promise<string[]> {
    const response = await this.send('GET', '/models', undefined, undefined, signal);
    const body = (await this.readJson(response, signal)) as { data?: Array<{ id?: unknown }> };
    return (body.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string');
  }

  private async send(method: string, path: string, body: string | undefined, model: string | undefined, signal?: AbortSignal, deadlineAt?: number): Promise<IncomingMessage> {
    const started = performance.now();
    const end = Math.min(started + this.deadlineMs, deadlineAt ?? Infinity);
    const left = () => end - performance.now();
    const apiKey = await this.options.apiKey();
    const headers: Record<string, string> = { accept: 'application/json, text/event-stream', ...this.options.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (apiKey) Object.assign(headers, this.options.authHeaders ? this.options.authHeaders(apiKey) : { authorization: `Bearer ${apiKey}` });
    const url = new URL(`${this.base}${path}`);
    // Built only when an attempt fails: constructing an error (its stack trace) costs more than a whole call.
    let lastError: AirlockError | undefined;
    let attempt = 0;
    for (;;) {
      attempt++;
      const attemptMs = Math.min(this.options.timeoutMs, left());
      if (attemptMs <= 0) throw this.deadlineError(attempt - 1, lastError ?? upstreamError('The upstream could not be reached.'));
      const tries = `${attempt} ${attempt === 1 ? 'attempt' : 'attempts'}`;
      // The attempt's timer covers the wait for response headers only; a body has its own limits.
      let response: IncomingMessage | undefined;
      let failure: AirlockError | undefined;
      try {
        response = await sendRequest({ method, url, headers, body, ...(signal ? { signal } : {}), headersTimeoutMs: attemptMs });
      } catch (err) {
        if (signal?.aborted) throw cancelledByCaller(err);
        failure = !(err instanceof TransportTimeout)
          ? upstreamError('The upstream could not be reached.', err)
          : attemptMs < this.options.timeoutMs
            ? upstreamTimeout(`The upstream did not answer within the ${this.deadlineMs} ms deadline (${tries}).`, err)
            : upstreamTimeout(`The upstream did not answer within ${this.options.timeoutMs} ms (${tries}).`, err);
      }
      let wait: number | undefined;
      if (response) {
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) return response;
        failure = await this.errorFor(response, status, model);
        if (!RETRYABLE_STATUS.has(status)) throw failure;
        wait = retryAfterMs(response.headers['retry-after'], (this.options.now ?? Date.now)());
      }
      lastError = failure ?? upstreamError('The upstream could not be reached.');
      if (attempt > this.options.retries) throw lastError;
      wait ??= jitteredBackoffMs(attempt, this.options.backoffMs ?? 100, this.options.random);
      // A wait that does not fit in the deadline is not waited: the caller gets the answer now
      // (for a 429, with the upstream's Retry-After) instead of a timeout later.
      if (wait >= left()) throw lastError;
      await sleep(wait, signal).catch((err: unknown) => {
        throw cancelledByCaller(err);
      });
    }
  }

  /** The last failure when the deadline ran out between attempts: a timeout says so, anything else stands. */
  private deadlineError(attempts: number, lastError: AirlockError): AirlockError {
    if (lastError.status !== 504) return lastError;
    return upstreamTimeout(`The upstream did not answer within the ${this.deadlineMs} ms deadline (${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}).`, lastError);
  }

  private async errorFor(response: IncomingMessage, status: number, model: string | undefined): Promise<AirlockError> {
    if (status === 401 || status === 403) {
      response.resume();
      // About the gateway's own credential: nothing the caller can act on, and it may quote the key.
      return upstreamError('The upstream refused the gateway credential; ask the gateway operator.');
    }
    if (status === 429) {
      response.resume();
      // Rate limits are the gateway account's (their messages name the organisation): generic text, the upstream's Retry-After.
      const wait = retryAfterMs(response.headers['retry-after'], (this.options.now ?? Date.now)());
      return new AirlockError('upstream_rate_limited', 'The upstream is rate limiting; retry later.', {
        ...(wait === undefined ? {} : { headers: { 'retry-after': retryAfterSeconds(wait) } }),
      });
    }
    if (status === 404 && model) {
      response.resume();
      return modelNotFound(model);
    }
    if (status >= 400 && status < 500 && status !== 408) {
      const detail = upstreamErrorDetail(await readText(response, MAX_ERROR_BODY_BYTES, this.options.timeoutMs).catch(() => ''));
      return new AirlockError('upstream_rejected', 'The upstream rejected the request as invalid.', {
        status,
        ...(detail ? { upstream: detail } : {}),
      });
    }
    response.resume();
    return upstreamError(`The upstream failed with status ${status}.`);
  }

  private async readJson(response: IncomingMessage, signal?: AbortSignal): Promise<unknown> {
    let text: string;
    try {
      text = await readText(response, this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, this.options.timeoutMs);
    } catch (err) {
      if (signal?.aborted) throw cancelledByCaller(err);
      if (err instanceof TransportTimeout) throw upstreamTimeout(`The upstream did not finish its answer within ${this.options.timeoutMs} ms.`, err);
      if (err instanceof BodyTooLarge) throw upstreamError(`The upstream's answer exceeds ${this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES} bytes.`, err);
      throw upstreamError('The upstream connection broke off during the answer.', err);
    }
    try {
      return JSON.parse(text);
    } catch (err) {
      throw upstreamError('The upstream answered with a body that is not JSON.', err);
    }
  }

  /** Stream body chunks, failing if the upstream goes silent for longer than the timeout. */
  private async *streamBody(response: IncomingMessage, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
    try {
      yield* chunksWithIdleTimeout(response, this.options.timeoutMs);
    } catch (err) {
      if (signal?.aborted) throw cancelledByCaller(err);
      if (err instanceof TransportTimeout) throw upstreamTimeout(`The upstream stream was silent for more than ${this.options.timeoutMs} ms.`, err);
      throw upstreamError('The upstream stream broke off.', err);
    }
  }
}

const cancelledByCaller = (cause: unknown) => upstreamError('The request was cancelled by the caller.', cause);

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** `kind: openai`: any OpenAI-compatible Chat Completions API (OpenAI, Azure OpenAI's v1 API, vLLM, LiteLLM, Ollama). */
export const openaiKind: ProviderKind = {
  formats: ['openai'],
  create: (u, s) => new OpenAICompatibleProvider({ name: u.name, baseUrl: u.url!, apiKey: s.apiKey, timeoutMs: s.timeoutMs, deadlineMs: s.deadlineMs, retries: s.retries }),
};
