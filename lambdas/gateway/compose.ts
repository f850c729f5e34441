import type { ApprovalLinkSigner } from '../auth/approval-link';
import type { TokenVerifier } from '../auth/verifier';
import { createInspector } from '../inspect/inspector';
import { resolveGroupPolicy, type GroupPolicy, type Policy } from '../inspect/policy';
import type { Inspector } from '../inspect/types';
import type { ChatProvider } from '../providers/types';
import type { AirlockLogger } from '../shared/logger';
import type { ApprovalStore, TaskTokenStore } from '../store/approval-types';
import type { SessionQueries, SessionStore, TranscriptStore } from '../store/types';
import { ApprovalService } from './approvals/approval-gate';
import type { ApprovalEventPublisher } from './approvals/approval-events';
import { approvalPages, type PageHandler } from './approvals/approval-pages';
import { approvalTranscriptPage, withTranscriptPage } from './approvals/approval-transcript-page';
import type { AuditDeps } from './audit/audit-deps';
import { consolePages, withConsole } from './console/console-pages';
import { invokeApproved } from './approvals/invoke-approved';
import { notifyApprovers, type NotifyInput } from './approvals/notify-approvers';
import type { ApprovalRecordsDeps, ApprovalWorkflow, ApproverNotifier, TaskResults } from './approvals/ports';
import { recordOutcome, type OutcomeInput } from './approvals/record-outcome';
import type { GatewayRequest, ResponseSink } from './http';
import { cachedInspectorFactory } from './inspector-cache';
import type { Clock, GatewayDeps, SessionEventPublisher } from './ports';
import { createGatewayApp } from './router';
import { routerOf, shorthandUpstreams, UpstreamRouter, type Upstream } from './upstream-router';
import { AirlockError } from '../shared/errors';

/**
 * The one composition root. The Lambda entry points and the local runtime hand in adapters (stores,
 * upstreams, AWS or local services) and get the use cases wired the same way: GatewayDeps, the
 * inspectors, the approval gate, the pages with their decision, and the workflow's steps are built
 * here and nowhere else.
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
    logger: a.logger,
    clock: a.clock,
    newId: a.newId,
  };
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

export interface ApprovalPagesAdapters {
  approvals: ApprovalStore;
  links: ApprovalLinkSigner;
  /** Verifies the approver's sign-in token (Cognito, a configured issuer, the local dev issuer). */
  approvers: TokenVerifier;
  /** Where "Sign in" goes; it returns to `returnPath`. `switchUser`: make the provider ask who signs in. */
  signInUrl(returnPath: string, switchUser?: boolean): string;
  logger: AirlockLogger;
  clock: Clock;
  /** Pages beside the approval page, by `METHOD path` (the sign-in round trip in AWS). */
  extraPages?: Record<string, PageHandler>;
  /** Where decisions are taken (the decide function, the local runtime); unset: read-only pages. */
  decisions?: { policy: Policy; tokens: TaskTokenStore; tasks: TaskResults; sessions: SessionStore };
  /** The held request's full masked transcript behind the same link and sign-in (`/approvals/{id}/transcript`). */
  transcripts?: TranscriptStore;
  /** The approvers' and auditors' console (`/console`), reading the record through the audit use cases. */
  console?: { audit: AuditDeps; basePath: string; secureCookies: boolean };
  /** Decisions go to the event bus like sessions do. */
  approvalEvents?: ApprovalEventPublisher;
}

/** `/approvals/*`: the page, and where decisions are taken the decision, with the approver's note masked by the requester's inspector. */
export function composeApprovalPages(a: ApprovalPagesAdapters): PageHandler {
  const { decisions } = a;
  const pageDeps = { approvals: a.approvals, links: a.links, approvers: a.approvers, signInUrl: (path: string) => a.signInUrl(path), logger: a.logger, clock: a.clock };
  const events = a.approvalEvents ? { approvalEvents: a.approvalEvents } : {};
  let pages = approvalPages(
    {
      ...pageDeps,
      ...events,
      ...(decisions
        ? {
            decisions: {
              tokens: decisions.tokens,
              tasks: decisions.tasks,
              sessions: decisions.sessions,
              maskReason: (approval, reason) => inspectorForCaller(decisions.policy, approval.principal.groups).maskText(reason).masked,
            },
          }
        : {}),
    },
    a.extraPages,
  );
  if (a.transcripts) pages = withTranscriptPage(approvalTranscriptPage({ ...pageDeps, transcripts: a.transcripts }), pages);
  if (a.console) {
    const { audit, basePath, secureCookies } = a.console;
    pages = withConsole(consolePages({ audit, approvals: a.approvals, links: a.links, approvers: a.approvers, signInUrl: a.signInUrl, basePath, secureCookies }), pages);
  }
  return pages;
}

/** The RequestApproval step: keeps the task token, mails the approvers. */
export function composeNotifyStep(a: {
  approvals: ApprovalStore;
  tokens: TaskTokenStore;
  notifier: ApproverNotifier;
  links: ApprovalLinkSigner;
  /** Read at each notification: locally the base URL is known only once the server listens. */
  publicBaseUrl: () => string;
  logger: AirlockLogger;
  clock: Clock;
}): (input: NotifyInput) => Promise<void> {
  return (input) => notifyApprovers({ ...a, publicBaseUrl: a.publicBaseUrl() }, input);
}

/** The InvokeUpstream step: the approved, masked request to the proxy's upstream, its answer masked. */
export function composeInvokeStep(
  a: ApprovalRecordsDeps & { policy: Policy; providers: ChatUpstreams; heldCredentials?: () => Promise<string[]> },
): (input: { approvalId: string }) => Promise<{ transcriptSha256: string }> {
  const { providers, ...rest } = a;
  const deps = { ...rest, upstreams: routerOf(upstreamDeps(providers)), inspectorFor: inspectorsFor(a.policy) };
  return (input) => invokeApproved(deps, input);
}

/** The Record* steps: settle the approval and the held session's record. */
export function composeRecordStep(a: ApprovalRecordsDeps): (input: OutcomeInput) => Promise<void> {
  return (input) => recordOutcome(a, input);
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
