import type { Principal } from '../../lambdas/auth/principal';
import type { GatewayRequest, ResponseSink } from '../../lambdas/gateway/http';
import { cachedInspectorFactory } from '../../lambdas/gateway/inspector-cache';
import type { GatewayDeps, SessionEventPublisher } from '../../lambdas/gateway/ports';
import { createGatewayApp } from '../../lambdas/gateway/router';
import { createInspector } from '../../lambdas/inspect';
import { policyFromObject, type Policy } from '../../lambdas/inspect/policy';
import type { AirlockLogger } from '../../lambdas/shared/logger';
import type { ChatProvider, UpstreamCall, UpstreamResult } from '../../lambdas/providers/types';
import type { SessionRecord } from '../../lambdas/store/types';
import { InMemorySessionStore, InMemoryTranscriptStore } from './in-memory-stores';

/**
 * The gateway's real router, use cases and inspector over in-memory stores, called in-process.
 * The upstream is a script the test writes; the sink records what the caller received and can
 * be "disconnected" like a closed socket.
 */

export const principal = (sub: string, groups: string[]): Principal => ({ issuer: 'https://issuer.test', sub, groups, claims: {} });

export type UpstreamScript = (call: UpstreamCall) => Promise<UpstreamResult>;

export class ScriptedProvider implements ChatProvider {
  readonly name = 'scripted';
  readonly calls: UpstreamCall[] = [];
  constructor(public script: UpstreamScript) {}
  call(request: UpstreamCall): Promise<UpstreamResult> {
    this.calls.push(request);
    return this.script(request);
  }
  async listModels(): Promise<string[]> {
    return ['echo'];
  }
}

/** Resolves when `signal` aborts: an upstream that stays silent until the call is abandoned. */
export const silentUntilAborted = (signal?: AbortSignal): Promise<never> =>
  new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new Error('aborted by caller')), { once: true }));

export interface LogLine {
  level: 'info' | 'warn' | 'error' | 'debug';
  message: string;
  fields: Record<string, unknown>;
}

export interface InMemoryGateway {
  deps: GatewayDeps;
  sessions: InMemorySessionStore;
  transcripts: InMemoryTranscriptStore;
  provider: ScriptedProvider;
  published: SessionRecord[];
  logs: LogLine[];
  call(path: string, options: CallOptions): Promise<Reply>;
}

export interface CallOptions {
  principal: Principal;
  body?: unknown;
  /** Raw body text; wins over `body`. */
  rawBody?: string;
  method?: string;
  query?: Record<string, string>;
  /** Called with each write; return true to disconnect the caller after it. */
  disconnectAfter?: (text: string) => boolean;
  /** An AbortController the test aborts to play the caller leaving. */
  aborter?: AbortController;
}

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
  json<T = Record<string, any>>(): T;
}

export const defaultPolicy: Policy = policyFromObject({ version: 1, access: { groups: ['llm-users'] } });

export interface InMemoryGatewayOptions {
  policy?: Policy;
  script?: UpstreamScript;
  overrides?: Partial<GatewayDeps>;
  /** Builds the approval gate over the same stores (see in-memory-approvals.ts). */
  approvals?: (stores: { sessions: InMemorySessionStore; transcripts: InMemoryTranscriptStore; logger: AirlockLogger; provider: ScriptedProvider }) => GatewayDeps['approvals'];
}

export function inMemoryGateway(options: InMemoryGatewayOptions = {}): InMemoryGateway {
  const sessions = new InMemorySessionStore();
  const transcripts = new InMemoryTranscriptStore();
  const provider = new ScriptedProvider(options.script ?? (async () => ({ kind: 'json', body: { choices: [{ index: 0, message: { role: 'assistant', content: 'ok' } }] } })));
  const published: SessionRecord[] = [];
  const logs: LogLine[] = [];
  const log = (level: LogLine['level']) => (message: string, fields: Record<string, unknown> = {}) => void logs.push({ level, message, fields });
  const logger = { info: log('info'), warn: log('warn'), error: log('error'), debug: log('debug') } as unknown as AirlockLogger;
  const events: SessionEventPublisher = { publish: async (r) => void published.push(r) };
  let ids = 0;
  const deps: GatewayDeps = {
    policy: options.policy ?? defaultPolicy,
    inspectorFor: cachedInspectorFactory(createInspector),
    provider,
    sessions,
    transcripts,
    queries: sessions,
    logger,
    clock: { now: () => Date.now(), monotonic: () => performance.now() },
    newId: () => `S${String(++ids).padStart(25, '0')}`,
    events,
    ...options.overrides,
  };
  if (options.approvals) deps.approvals = options.approvals({ sessions, transcripts, logger, provider });
  const app = createGatewayApp(deps);

  const call = async (path: string, o: CallOptions): Promise<Reply> => {
    const aborter = o.aborter ?? new AbortController();
    let status = 0;
    let headers: Record<string, string> = {};
    let started = false;
    let body = '';
    const sink: ResponseSink = {
      signal: aborter.signal,
      get started() {
        return started;
      },
      start(s, h) {
        status = s;
        headers = h;
        started = true;
      },
      async write(text) {
        if (aborter.signal.aborted) throw new Error('client disconnected');
        body += text;
        if (o.disconnectAfter?.(text)) aborter.abort(new Error('client disconnected'));
      },
      async end() {},
    };
    const req: GatewayRequest = {
      method: o.method ?? 'POST',
      path,
      query: o.query ?? {},
      headers: { 'content-type': 'application/json' },
      body: o.rawBody ?? JSON.stringify(o.body ?? {}),
      principal: o.principal,
      receivedAt: performance.now(),
    };
    await app(req, sink);
    return { status, headers, body, json: <T>() => JSON.parse(body) as T };
  };
  return { deps, sessions, transcripts, provider, published, logs, call };
}
