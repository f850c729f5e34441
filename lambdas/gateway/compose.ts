import { createInspector } from '../inspect/inspector';
import { resolveGroupPolicy, type GroupPolicy, type Policy } from '../inspect/policy';
import type { Inspector } from '../inspect/types';
import type { ChatProvider } from '../providers/types';
import type { AirlockLogger } from '../shared/logger';
import type { ApprovalStore, TaskTokenStore } from '../store/approval-types';
import type { SessionQueries, SessionStore, TranscriptStore } from '../store/types';
import type { UsageCounters } from '../store/usage-counters';
import { ApprovalService } from './approvals/approval-gate';
import type { DecisionDeps } from './approvals/approval-pages';
import { invokeApproved, type InvokeApprovedDeps } from './approvals/invoke-approved';
import type { ApprovalRecordsDeps, ApprovalWorkflow, TaskResults } from './approvals/ports';
import type { GatewayRequest, ResponseSink } from './http';
import { cachedInspectorFactory } from './inspector-cache';
import type { Clock, GatewayDeps, SessionEventPublisher } from './ports';
import { createGatewayApp } from './router';
import type { ModelPrice } from './usage/prices';
import { usageLimiter } from './usage/usage-limits';
import { routerOf, shorthandUpstreams, UpstreamRouter, type Upstream } from './upstream-router';
import { AirlockError } from '../shared/errors';

/**
 * The one composition root. The Lambda entry points and the local runtime hand in adapters (stores,
 * upstreams, AWS or local services) and get the use cases wired the same way: GatewayDeps, the
 * inspectors, the approval gate, the decisions and the InvokeUpstream step are built here and
 * nowhere else. Its halves for bundle boundaries: compose-mcp.ts (the MCP function) and
 * compose-approvals.ts (the approval pages and the steps that never inspect).
 */

/** The single-upstream shorthand: the upstream of each chat wire format, serving every model. */
export interface ChatProviders {
  openai: ChatProvider;
  anthropic?: ChatProvider;
}

/** The chat upstreams: a routed list (lambdas/providers/registry.ts builds it from config), or the shorthand. */
export type ChatUpstreams = { list: Upstream[]; deadlineMs?: number } | ChatProviders;

export interface GatewayAdapters {
  policy: Policy;
  providers: ChatUpstreams;
  sessions: SessionStore;
  transcripts: TranscriptStore;
  /** Audit search over the session indexes; unset: the audit routes answer 503. */
  queries?: SessionQueries;
  /** Publishes each finished session's metadata; unset: nothing is published. */
  events?: SessionEventPublisher;
  /** Where `review` decisions are held; unset: they answer `approval_required`. */
  approvals?: { store: ApprovalStore; workflow: ApprovalWorkflow; publicBaseUrl?: string };
  /** Deepest JSON nesting a body may have (default lambdas/shared/json-depth.ts). */
  maxJsonDepth?: number;
  /** The upstream credentials the gateway holds, masked by exact match in everything going back to a caller. */
  heldCredentials?: () => Promise<string[]>;
  /** The counters of the policy's rate limits and budgets; required when the policy sets `limits`. */
  usage?: UsageCounters;
  /** `false`: this app applies no rate limits (the MCP gateway), whatever the policy sets. */
  rateLimits?: false;
  /** US dollars per million tokens by model glob: each session's cost. */
  prices?: readonly ModelPrice[];
  logger: AirlockLogger;
  clock: Clock;
  newId(): string;
}

export interface Gateway {
  deps: GatewayDeps;
  /** Serves every route the proxy function serves (lambdas/gateway/routes.ts). */
  app: (req: GatewayRequest, sink: ResponseSink) => Promise<void>;
}

export function composeGateway(a: GatewayAdapters): Gateway {
  const deps: GatewayDeps = {
    policy: a.policy,
    inspectorFor: inspectorsFor(a.policy),
    ...upstreamDeps(a.providers),
    sessions: a.sessions,
    transcripts: a.transcripts,
    ...(a.queries ? { queries: a.queries } : {}),
    ...(a.events ? { events: a.events } : {}),
    ...(a.maxJsonDepth !== undefined ? { maxJsonDepth: a.maxJsonDepth } : {}),
    ...(a.heldCredentials ? { heldCredentials: a.heldCredentials } : {}),
    ...(a.prices?.length ? { prices: a.prices } : {}),
    logger: a.logger,
    clock: a.clock,
    newId: a.newId,
  };
  if (a.policy.limits && a.rateLimits !== false) {
    // Fail closed at start: limits that nothing counts would let every request through.
    if (!a.usage) throw new Error('the policy sets limits, and no usage counter store is configured (AIRLOCK_USAGE_TABLE)');
    deps.limits = usageLimiter(a.policy.limits, a.usage, a.clock, a.logger);
  }
  if (a.approvals) {
    deps.approvals = new ApprovalService({
      approvals: a.approvals.store,
      sessions: a.sessions,
      transcripts: a.transcripts,
      workflow: a.approvals.workflow,
      ...(a.approvals.publicBaseUrl ? { publicBaseUrl: a.approvals.publicBaseUrl } : {}),
      logger: a.logger,
      clock: a.clock,
    });
  }
  return { deps, app: createGatewayApp(deps) };
}

/** The decisions of the approval pages (decide function, local runtime): the approver's note is masked with the requester's inspector. */
export function approvalDecisions(d: { policy: Policy; tokens: TaskTokenStore; tasks: TaskResults; sessions: SessionStore }): DecisionDeps {
  return {
    tokens: d.tokens,
    tasks: d.tasks,
    sessions: d.sessions,
    maskReason: (approval, reason) => inspectorForCaller(d.policy, approval.principal.groups).maskText(reason).masked,
  };
}

/**
 * The InvokeUpstream step: the approved, masked request to the proxy's upstream, its answer masked,
 * its tokens charged to the requester's budgets and priced like a direct answer.
 */
export function composeInvokeStep(
  a: ApprovalRecordsDeps & {
    policy: Policy;
    providers: ChatUpstreams;
    heldCredentials?: () => Promise<string[]>;
    /** The proxy's usage counters; required when the policy sets `limits`. */
    usage?: UsageCounters;
    prices?: readonly ModelPrice[];
  },
): (input: { approvalId: string }) => Promise<{ transcriptSha256: string }> {
  const { providers, usage, prices, ...rest } = a;
  const deps: InvokeApprovedDeps = { ...rest, upstreams: routerOf(upstreamDeps(providers)), inspectorFor: inspectorsFor(a.policy), ...(prices?.length ? { prices } : {}) };
  if (a.policy.limits) {
    // As for the proxy: an approved answer that nothing counts would escape the budget.
    if (!usage) throw new Error('the policy sets limits, and no usage counter store is configured for approved answers (AIRLOCK_USAGE_TABLE)');
    deps.limits = usageLimiter(a.policy.limits, usage, a.clock, a.logger);
  }
  return (input) => invokeApproved(deps, input);
}

/**
 * The chat upstreams as GatewayDeps holds them: the router, and as `provider` the first
 * OpenAI-compatible upstream (for routes that do not route by model).
 */
function upstreamDeps(u: ChatUpstreams): Pick<GatewayDeps, 'provider' | 'anthropicProvider' | 'upstreams'> {
  if (!('list' in u)) return { provider: u.openai, ...(u.anthropic ? { anthropicProvider: u.anthropic } : {}), upstreams: new UpstreamRouter(shorthandUpstreams(u.openai, u.anthropic)) };
  const upstreams = new UpstreamRouter(u.list, u.deadlineMs);
  const anthropic = upstreams.firstOf('anthropic')?.provider;
  return { provider: upstreams.firstOf('openai')?.provider ?? NO_OPENAI_UPSTREAM, ...(anthropic ? { anthropicProvider: anthropic } : {}), upstreams };
}

const notConfigured = () => Promise.reject(new AirlockError('not_configured', 'No OpenAI-compatible upstream is configured on this gateway.'));
const NO_OPENAI_UPSTREAM: ChatProvider = { name: 'none', call: notConfigured, listModels: notConfigured };

/** One inspector cache per policy: compiling detectors is the costly part, and every route shares them. */
const caches = new WeakMap<Policy, (gp: GroupPolicy) => Inspector>();
function inspectorsFor(policy: Policy): (gp: GroupPolicy) => Inspector {
  let cache = caches.get(policy);
  if (!cache) {
    cache = cachedInspectorFactory(createInspector);
    caches.set(policy, cache);
  }
  return cache;
}

/** The inspector of a caller's effective policy; a caller who lost access is masked with the defaults. */
function inspectorForCaller(policy: Policy, groups: readonly string[]): Inspector {
  return inspectorsFor(policy)(resolveGroupPolicy(policy, groups) ?? policy.defaults);
}
