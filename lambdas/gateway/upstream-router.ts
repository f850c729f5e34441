import type { ChatFormat } from '../inspect/types';
import type { ChatProvider, UpstreamCall, UpstreamResult } from '../providers/types';
import { AirlockError, modelNotFound } from '../shared/errors';
import { modelGlob } from '../shared/upstream-config';

/** A chat upstream as the gateway routes to it: which model ids it serves, over which APIs. */
export interface Upstream {
  name: string;
  /** The caller APIs it answers (an OpenAI-compatible upstream: `openai`; Bedrock: both). */
  formats: readonly ChatFormat[];
  /** Globs of the model ids it serves. */
  models: readonly string[];
  /** Tried when this one fails with a 5xx or times out. */
  fallback?: string;
  /** Caller-facing model ids → the id this upstream is sent. */
  aliases?: Readonly<Record<string, string>>;
  provider: ChatProvider;
}

/** Which upstream answered a call, and the one it replaced when a fallback was taken. */
export interface UpstreamChoice {
  name: string;
  fallbackFrom?: string;
}

export interface RoutedResult {
  result: UpstreamResult;
  upstream: UpstreamChoice;
}

const API_ROUTE: Record<ChatFormat, string> = { openai: 'POST /v1/chat/completions', anthropic: 'POST /v1/messages' };

/**
 * Routes a model id to the first upstream whose globs match it and that speaks the caller's API,
 * and falls back, once, to the upstream's `fallback` when it fails with a 5xx or a timeout. The
 * call has one deadline: with a fallback configured the first upstream gets half of it, the
 * fallback what is left.
 */
export class UpstreamRouter {
  private readonly entries: Array<{ upstream: Upstream; globs: RegExp[] }>;

  constructor(
    readonly upstreams: readonly Upstream[],
    /** AIRLOCK_UPSTREAM_DEADLINE_MS; unset: each provider keeps its own deadline. */
    private readonly deadlineMs?: number,
  ) {
    this.entries = upstreams.map((upstream) => ({ upstream, globs: upstream.models.map(modelGlob) }));
  }

  /** The upstream serving `model` over `format`; a model served only over the other API says where to call. */
  route(model: string, format: ChatFormat): Upstream {
    if (!this.firstOf(format)) throw new AirlockError('not_configured', `No ${format === 'anthropic' ? 'Anthropic Messages' : 'OpenAI-compatible'} upstream is configured on this gateway.`);
    const serving = this.entries.filter((e) => e.globs.some((g) => g.test(model)));
    const hit = serving.find((e) => e.upstream.formats.includes(format));
    if (hit) return hit.upstream;
    const other = serving[0]?.upstream.formats[0];
    if (other) {
      throw new AirlockError('model_not_found', `The model '${model.slice(0, 80)}' is served over the ${other === 'anthropic' ? 'Anthropic Messages' : 'OpenAI Chat Completions'} API here; call ${API_ROUTE[other]}.`, { param: 'model' });
    }
    throw modelNotFound(model);
  }

  byName(name: string): Upstream | undefined {
    return this.upstreams.find((u) => u.name === name);
  }

  /** The first upstream of a format (the default of routes that do not route by model). */
  firstOf(format: ChatFormat): Upstream | undefined {
    return this.upstreams.find((u) => u.formats.includes(format));
  }

  /**
   * Sends the call to the model's upstream, and to its fallback if that fails before answering.
   * `onUpstream` hears each upstream tried, so a failure is recorded against the right one.
   */
  async call(model: string, format: ChatFormat, call: Omit<UpstreamCall, 'format' | 'deadlineAt'>, onUpstream?: (choice: UpstreamChoice) => void): Promise<RoutedResult> {
    const primary = this.route(model, format);
    const started = performance.now();
    const deadlineAt = this.deadlineMs === undefined ? undefined : started + this.deadlineMs;
    const fallback = primary.fallback ? this.byName(primary.fallback) : undefined;
    const usable = fallback && fallback.formats.includes(format) ? fallback : undefined;
    const primaryDeadline = usable && deadlineAt !== undefined ? started + this.deadlineMs! / 2 : deadlineAt;

    onUpstream?.({ name: primary.name });
    try {
      const result = await primary.provider.call({ ...call, body: asSentTo(primary, call.body, model), format, ...(primaryDeadline === undefined ? {} : { deadlineAt: primaryDeadline }) });
      return { result, upstream: { name: primary.name } };
    } catch (err) {
      if (!usable || !fallsBack(err) || call.signal?.aborted) throw err;
      if (deadlineAt !== undefined && performance.now() >= deadlineAt) throw err;
      const choice = { name: usable.name, fallbackFrom: primary.name };
      onUpstream?.(choice);
      const result = await usable.provider.call({ ...call, body: asSentTo(usable, call.body, model), format, ...(deadlineAt === undefined ? {} : { deadlineAt }) });
      return { result, upstream: choice };
    }
  }

  /**
   * Every model id the upstreams of `format` (all when unset) serve: what each lists, kept to its
   * globs. An upstream that cannot list is skipped; if none can, the first failure stands.
   */
  async listModels(format?: ChatFormat, signal?: AbortSignal): Promise<string[]> {
    const entries = this.entries.filter((e) => !format || e.upstream.formats.includes(format));
    const listed = await Promise.allSettled(entries.map((e) => e.upstream.provider.listModels(signal)));
    const ids = new Set<string>();
    listed.forEach((r, i) => {
      if (r.status === 'fulfilled') for (const id of r.value) if (entries[i]!.globs.some((g) => g.test(id))) ids.add(id);
    });
    for (const e of entries) for (const alias of Object.keys(e.upstream.aliases ?? {})) ids.add(alias);
    const failed = listed.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (ids.size === 0 && failed && listed.every((r) => r.status === 'rejected')) throw failed.reason;
    return [...ids];
  }
}

/** The body as this upstream is sent it: a caller-facing alias becomes the upstream's own model id. */
function asSentTo(upstream: Upstream, body: Record<string, unknown>, model: string): Record<string, unknown> {
  const target = upstream.aliases?.[model];
  return target ? { ...body, model: target } : body;
}

/** An upstream that broke (5xx, unreachable, timed out) may be replaced; a refusal of the request may not. */
function fallsBack(err: unknown): boolean {
  return err instanceof AirlockError && (err.code === 'upstream_error' || err.code === 'upstream_timeout');
}

const derived = new WeakMap<object, UpstreamRouter>();

/**
 * The router of a gateway built without an upstream list (tests, the MCP function): its
 * OpenAI-compatible provider for every model over the OpenAI API, its Anthropic one over Messages.
 */
export function routerOf(deps: { upstreams?: UpstreamRouter; provider?: ChatProvider; anthropicProvider?: ChatProvider }): UpstreamRouter {
  if (deps.upstreams) return deps.upstreams;
  let router = derived.get(deps);
  if (!router) {
    router = new UpstreamRouter(shorthandUpstreams(deps.provider, deps.anthropicProvider));
    derived.set(deps, router);
  }
  return router;
}

/** The single-upstream settings as upstreams: `openai` serves any model over Chat Completions, `anthropic` any over Messages. */
export function shorthandUpstreams(openai?: ChatProvider, anthropic?: ChatProvider): Upstream[] {
  return [
    ...(openai ? [{ name: 'openai', formats: ['openai'] as const, models: ['*'], provider: openai }] : []),
    ...(anthropic ? [{ name: 'anthropic', formats: ['anthropic'] as const, models: ['*'], provider: anthropic }] : []),
  ];
}
