import { AirlockError, modelNotFound, upstreamError, upstreamTimeout } from '../shared/errors';
import { sseDataPayloads } from './sse';
import type { ChatProvider, UpstreamCall, UpstreamResult } from './types';

export interface OpenAICompatibleOptions {
  /** e.g. `https://api.openai.com/v1`. */
  baseUrl: string;
  /** Resolved lazily so a Secrets Manager read happens once, at first use. */
  apiKey: () => Promise<string | undefined>;
  /** Time allowed for the upstream's response headers, and then between two stream chunks. */
  timeoutMs: number;
  /** Retries for failures before any byte came back: connection errors, timeouts, 429 and 5xx. */
  retries: number;
  /** Base of the exponential backoff between retries. */
  backoffMs?: number;
  fetch?: typeof fetch;
  /** How the key is sent; default `Authorization: Bearer <key>`. */
  authHeaders?: (apiKey: string) => Record<string, string>;
  /** Fixed headers on every request (e.g. `anthropic-version`). */
  headers?: Record<string, string>;
  name?: string;
}

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/**
 * Any OpenAI-compatible HTTP upstream. The key never leaves this class; errors from the upstream
 * are reduced to a status and a fixed message, because an upstream error body can quote the
 * gateway's own credential (e.g. "Incorrect API key provided: sk-...").
 */
export class OpenAICompatibleProvider implements ChatProvider {
  readonly name: string;
  private readonly fetchFn: typeof fetch;
  private readonly base: string;

  constructor(private readonly options: OpenAICompatibleOptions) {
    this.name = options.name ?? 'openai-compatible';
    this.fetchFn = options.fetch ?? fetch;
    this.base = options.baseUrl.replace(/\/+$/, '');
  }

  async call(request: UpstreamCall): Promise<UpstreamResult> {
    const model = typeof request.body.model === 'string' ? request.body.model : undefined;
    const response = await this.send('POST', request.path, JSON.stringify(request.body), model, request.signal);
    if (!request.stream || !(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
      return { kind: 'json', body: await this.readJson(response, request.signal) };
    }
    return { kind: 'stream', events: sseDataPayloads(this.withIdleTimeout(response, request.signal)) };
  }

  async listModels(signal?: AbortSignal): Promise<string[]> {
    const response = await this.send('GET', '/models', undefined, undefined, signal);
    const body = (await this.readJson(response, signal)) as { data?: Array<{ id?: unknown }> };
    return (body.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string');
  }

  private async send(method: string, path: string, body: string | undefined, model: string | undefined, signal?: AbortSignal): Promise<Response> {
    const apiKey = await this.options.apiKey();
    const headers: Record<string, string> = { accept: 'application/json, text/event-stream', ...this.options.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (apiKey) Object.assign(headers, this.options.authHeaders ? this.options.authHeaders(apiKey) : { authorization: `Bearer ${apiKey}` });
    let lastError: AirlockError = upstreamError('The upstream could not be reached.');
    for (let attempt = 0; attempt <= this.options.retries; attempt++) {
      if (attempt > 0) await sleep((this.options.backoffMs ?? 100) * 2 ** (attempt - 1), signal);
      // The timeout covers the wait for response headers only; the body has its own idle timeout.
      const attemptCtrl = new AbortController();
      const timer = setTimeout(() => attemptCtrl.abort(new Error('upstream timeout')), this.options.timeoutMs);
      const abortOnCaller = () => attemptCtrl.abort(signal?.reason);
      signal?.addEventListener('abort', abortOnCaller, { once: true });
      let response: Response;
      try {
        response = await this.fetchFn(`${this.base}${path}`, { method, headers, body, signal: attemptCtrl.signal });
      } catch (err) {
        signal?.removeEventListener('abort', abortOnCaller);
        if (signal?.aborted) throw upstreamError('The request was cancelled by the caller.', err);
        lastError = attemptCtrl.signal.aborted ? upstreamTimeout(this.options.timeoutMs, err) : upstreamError('The upstream could not be reached.', err);
        continue;
      } finally {
        clearTimeout(timer);
      }
      if (response.ok) return response;
      await response.body?.cancel().catch(() => undefined);
      lastError = this.errorFor(response.status, model);
      if (!RETRYABLE_STATUS.has(response.status)) break;
    }
    throw lastError;
  }

  private errorFor(status: number, model: string | undefined): AirlockError {
    if (status === 404) return model ? modelNotFound(model) : upstreamError('The upstream has no such resource.');
    if (status === 401 || status === 403) return upstreamError('The upstream refused the gateway credential; ask the gateway operator.');
    if (status === 400 || status === 422) return new AirlockError('upstream_rejected', 'The upstream rejected the request as invalid.');
    if (status === 429) return new AirlockError('upstream_rate_limited', 'The upstream is rate limiting; retry later.');
    return upstreamError(`The upstream failed with status ${status}.`);
  }

  private async readJson(response: Response, signal?: AbortSignal): Promise<unknown> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    try {
      const text = await withAbort(response.text(), signal ? AbortSignal.any([signal, timeout]) : timeout);
      return JSON.parse(text);
    } catch (err) {
      if (timeout.aborted) throw upstreamTimeout(this.options.timeoutMs, err);
      throw upstreamError('The upstream answered with a body that is not JSON.', err);
    }
  }

  /** Stream body chunks, failing if the upstream goes silent for longer than the timeout. */
  private async *withIdleTimeout(response: Response, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
    if (!response.body) return;
    const reader = response.body.getReader();
    try {
      for (;;) {
        const idle = AbortSignal.timeout(this.options.timeoutMs);
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await withAbort(reader.read(), signal ? AbortSignal.any([signal, idle]) : idle);
        } catch (err) {
          if (idle.aborted) throw upstreamTimeout(this.options.timeoutMs, err);
          throw upstreamError('The upstream stream broke off.', err);
        }
        if (chunk.done) return;
        yield chunk.value;
      }
    } finally {
      reader.cancel().catch(() => undefined);
    }
  }
}

function withAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => (signal.removeEventListener('abort', onAbort), resolve(v)),
      (e) => (signal.removeEventListener('abort', onAbort), reject(e)),
    );
  });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return withAbort(new Promise<void>((r) => setTimeout(r, ms)), signal ?? new AbortController().signal);
}
