import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { ChatFormat } from '../inspect/types';
import { AirlockError, modelNotFound, upstreamError, upstreamTimeout } from '../shared/errors';
import { converseStreamTranslator } from './converse-stream';
import { fromConverse, toConverse } from './converse-translate';
import type { ProviderKind } from './registry';
import type { ChatProvider, UpstreamCall, UpstreamResult } from './types';

export interface BedrockOptions {
  name: string;
  region: string;
  /** Endpoint override (a VPC endpoint; the local Converse stand-in in tests). */
  endpoint?: string;
  /** The model ids listed by `GET /v1/models`: the entries of `models` that are not globs. */
  models: readonly string[];
  /** Time allowed for the first answer, then between two stream events. */
  timeoutMs: number;
  deadlineMs: number;
  retries: number;
}

type Sdk = typeof import('@aws-sdk/client-bedrock-runtime');
let sdk: Promise<Sdk> | undefined;
/** Loaded on the first Bedrock call: a gateway without a Bedrock upstream never loads the client. */
const loadSdk = (): Promise<Sdk> => (sdk ??= import('@aws-sdk/client-bedrock-runtime'));

/**
 * Amazon Bedrock through the Converse and ConverseStream APIs, signed with the function's own AWS
 * credentials (its IAM role; no key). Callers keep their API: an OpenAI or Anthropic chat body is
 * translated to Converse and the answer, whole or streamed, back to the caller's format, so the
 * gateway inspects and masks it like any other upstream's.
 */
export class BedrockConverseProvider implements ChatProvider {
  readonly name: string;
  private client: Promise<BedrockRuntimeClient> | undefined;
  private ids = 0;

  constructor(private readonly options: BedrockOptions) {
    this.name = options.name;
  }

  async listModels(): Promise<string[]> {
    return this.options.models.filter((m) => !m.includes('*'));
  }

  async call(request: UpstreamCall): Promise<UpstreamResult> {
    const format: ChatFormat = request.format ?? 'openai';
    const model = String(request.body.model ?? '');
    const input = { modelId: model, ...toConverse(format, request.body) };
    const id = `${Date.now().toString(36)}${(++this.ids).toString(36)}`;
    const created = Math.floor(Date.now() / 1000);
    const { ConverseCommand, ConverseStreamCommand } = await loadSdk();
    const client = await this.sdkClient();
    const limit = new CallLimit(this.options.timeoutMs, Math.min(performance.now() + this.options.deadlineMs, request.deadlineAt ?? Infinity), request.signal);
    try {
      if (!request.stream) {
        const answer = await client.send(new ConverseCommand(input as never), { abortSignal: limit.signal });
        return { kind: 'json', body: fromConverse(format, model, answer as unknown as Record<string, unknown>, id, created) };
      }
      const answer = await client.send(new ConverseStreamCommand(input as never), { abortSignal: limit.signal });
      if (!answer.stream) throw upstreamError('Bedrock answered a stream request without a stream.');
      return { kind: 'stream', events: this.events(answer.stream as AsyncIterable<Record<string, unknown>>, format, model, id, created, limit) };
    } catch (err) {
      limit.done();
      throw this.errorFor(err, limit, model);
    } finally {
      if (!request.stream) limit.done();
    }
  }

  private async *events(stream: AsyncIterable<Record<string, unknown>>, format: ChatFormat, model: string, id: string, created: number, limit: CallLimit): AsyncGenerator<string> {
    const translator = converseStreamTranslator(format, model, id, created);
    try {
      for await (const event of stream) {
        limit.progress();
        const failure = streamFailure(event);
        if (failure) throw failure;
        for (const out of translator.push(event)) yield JSON.stringify(out);
      }
      for (const out of translator.end()) yield JSON.stringify(out);
    } catch (err) {
      throw this.errorFor(err, limit, model);
    } finally {
      limit.done();
    }
  }

  private sdkClient(): Promise<BedrockRuntimeClient> {
    this.client ??= loadSdk().then(
      ({ BedrockRuntimeClient }) =>
        new BedrockRuntimeClient({ region: this.options.region, maxAttempts: this.options.retries + 1, ...(this.options.endpoint ? { endpoint: this.options.endpoint } : {}) }),
    );
    return this.client;
  }

  /** SDK failures as the gateway's upstream errors; a refusal keeps Bedrock's message as data for the gateway to mask. */
  private errorFor(err: unknown, limit: CallLimit, model: string): AirlockError {
    if (err instanceof AirlockError) return err;
    if (limit.callerLeft) return upstreamError('The request was cancelled by the caller.', err);
    if (limit.timedOut) return upstreamTimeout(`Bedrock did not answer within ${this.options.timeoutMs} ms or the call's deadline.`, err);
    const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const status = e.$metadata?.httpStatusCode ?? 0;
    const name = e.name ?? '';
    if (name === 'ThrottlingException' || name === 'ServiceQuotaExceededException' || status === 429) {
      return new AirlockError('upstream_rate_limited', 'The upstream is rate limiting; retry later.');
    }
    if (name === 'AccessDeniedException' || name === 'UnrecognizedClientException' || status === 401 || status === 403) {
      return upstreamError('The upstream refused the gateway credential; ask the gateway operator.', err);
    }
    if (name === 'ResourceNotFoundException' || status === 404) return modelNotFound(model);
    if (name === 'ValidationException' || (status >= 400 && status < 500)) {
      return new AirlockError('upstream_rejected', 'The upstream rejected the request as invalid.', {
        status: 400,
        ...(typeof e.message === 'string' && e.message ? { upstream: { message: e.message, param: null } } : {}),
      });
    }
    if (name === 'ModelTimeoutException') return upstreamTimeout('The Bedrock model did not answer in time.', err);
    return upstreamError(status ? `The upstream failed with status ${status}.` : 'The upstream could not be reached.', err);
  }
}

/** An exception event inside a ConverseStream (the stream's own error channel). */
function streamFailure(event: Record<string, unknown>): Error | undefined {
  for (const key of ['internalServerException', 'modelStreamErrorException', 'validationException', 'throttlingException', 'serviceUnavailableException']) {
    if (event[key]) return Object.assign(new Error(String((event[key] as { message?: unknown }).message ?? key)), { name: key[0]!.toUpperCase() + key.slice(1) });
  }
  return undefined;
}

/**
 * One abort signal for a call: the caller leaving, the call's deadline before the answer starts,
 * and, once it streams, silence longer than the timeout between two events.
 */
class CallLimit {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  timedOut = false;
  callerLeft = false;
  private readonly onAbort = () => {
    this.callerLeft = true;
    this.controller.abort();
  };

  constructor(
    private readonly timeoutMs: number,
    deadlineAt: number,
    private readonly caller?: AbortSignal,
  ) {
    if (caller?.aborted) this.onAbort();
    caller?.addEventListener('abort', this.onAbort, { once: true });
    this.arm(Math.max(0, Math.min(timeoutMs, deadlineAt - performance.now())));
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  progress(): void {
    this.arm(this.timeoutMs);
  }

  done(): void {
    clearTimeout(this.timer);
    this.caller?.removeEventListener('abort', this.onAbort);
  }

  private arm(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort();
    }, ms);
  }
}

/** `kind: bedrock`: Amazon Bedrock's Converse API, for callers of both chat APIs. */
export const bedrockKind: ProviderKind = {
  formats: ['openai', 'anthropic'],
  create: (u, s) =>
    new BedrockConverseProvider({ name: u.name, region: u.region!, ...(u.url ? { endpoint: u.url } : {}), models: u.models, timeoutMs: s.timeoutMs, deadlineMs: s.deadlineMs, retries: s.retries }),
};
