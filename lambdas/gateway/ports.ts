import type { Principal } from '../auth/principal';
import type { ChatInspection, Inspector } from '../inspect/types';
import type { GroupPolicy, Policy } from '../inspect/policy';
import type { ChatProvider } from '../providers/types';
import type { AirlockLogger } from '../shared/logger';
import type { SessionQueries, SessionRecord, SessionStore, TranscriptStore } from '../store/types';
import type { ChatApi } from './chat-api';
import type { ChatRequest } from './chat-request';
import type { AirlockResponseMeta, GatewayRequest, ResponseSink } from './http';
import type { McpDeps } from './mcp/upstreams';
import type { SessionRecorder } from './session-recorder';
import type { ModelPrice } from './usage/prices';
import type { UsageLimiter } from './usage/usage-limits';
import type { UpstreamRouter } from './upstream-router';

/** Everything a gateway use case reaches outside itself. Lambda, the local runtime and tests each build one. */
export interface GatewayDeps {
  policy: Policy;
  /** The inspector for a caller's effective policy (cached by the caller of this interface). */
  inspectorFor(groupPolicy: GroupPolicy): Inspector;
  /** The OpenAI-compatible upstream. */
  provider: ChatProvider;
  /** The Anthropic Messages upstream, when one is configured. */
  anthropicProvider?: ChatProvider;
  /**
   * The chat upstreams by model id (lambdas/gateway/upstream-router.ts). Unset: `provider` serves
   * every model over the OpenAI API and `anthropicProvider` every model over Messages.
   */
  upstreams?: UpstreamRouter;
  sessions: SessionStore;
  transcripts: TranscriptStore;
  logger: AirlockLogger;
  clock: Clock;
  newId(): string;
  /** Holds `review` decisions for human approval. Unset: such prompts are refused (`approval_required`). */
  approvals?: ApprovalGate;
  /** Publishes each finished session's metadata (never content) for SIEMs. Unset: nothing is published. */
  events?: SessionEventPublisher;
  /** Audit search over the session table's indexes. Unset: the audit routes answer 503. */
  queries?: SessionQueries;
  /** Deepest JSON nesting a request body may have (AIRLOCK_MAX_JSON_DEPTH). Unset: DEFAULT_MAX_JSON_DEPTH. */
  maxJsonDepth?: number;
  /** The MCP gateway's upstreams and discovery settings. Unset: `/mcp` answers 503. */
  mcp?: McpDeps;
  /** The upstream credentials the gateway holds: masked by exact match in everything that goes back to a caller. */
  heldCredentials?: () => Promise<string[]>;
  /** The policy's rate limits and budgets. Unset: the policy sets none. */
  limits?: UsageLimiter;
  /** The price table (AIRLOCK_PRICES): each session's cost. Unset: no costs. */
  prices?: readonly ModelPrice[];
}

/** Everything the approval flow needs about a prompt the inspection sent to review. */
export interface ReviewContext {
  req: GatewayRequest;
  principal: Principal;
  body: ChatRequest;
  /** The wire format the prompt came in: it is held, sent and answered in it. */
  api: ChatApi;
  inspection: ChatInspection;
  groupPolicy: GroupPolicy;
  /** The session, already created with status `pending`. */
  recorder: SessionRecorder;
  meta: AirlockResponseMeta;
  /** The rate limits and budgets (UsageLimiter.admit) for this request; the gate calls it before answering. */
  admit(options?: { budgets?: boolean }): Promise<void>;
}

export interface ApprovalGate {
  /**
   * Answers a prompt that needs approval: holds it (an `approval_pending` error with `request_id`
   * and `status_url`), or, for a re-sent request already approved, the approved answer.
   */
  handleReview(ctx: ReviewContext, sink: ResponseSink): Promise<void>;
  /** `GET /v1/airlock/requests/{id}`: a held request's status and, once answered, its completion. */
  requestStatus?(req: GatewayRequest, sink: ResponseSink, requestId: string): Promise<void>;
}

export interface SessionEventPublisher {
  publish(record: SessionRecord): Promise<void>;
}

export interface Clock {
  /** Wall time, ms since epoch. */
  now(): number;
  /** Monotonic time for durations. */
  monotonic(): number;
}

export const systemClock: Clock = { now: () => Date.now(), monotonic: () => performance.now() };
