import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { CallTokenCaller, CallTokenSigner } from './call-tokens';
import type { Principal } from '../../auth/principal';
import type { GroupPolicy } from '../../inspect/policy';
import type { RiskAssessment } from '../../inspect/types';
import type { SessionRecorder } from '../session-recorder';
import type { ToolPinningPorts } from './tool-pinning';

/** An upstream MCP server as the gateway sees it: who may use it, and a client holding Airlock's credential. */
export interface McpUpstream {
  name: string;
  groups: readonly string[];
  client: McpUpstreamClient;
  /** Tool fingerprints pinned in config, by tool name (unprefixed): accepted without review. */
  pins?: Readonly<Record<string, string>>;
  /** Default true: the first listing is the baseline. False: every tool not pinned is held until approved. */
  trustOnFirstUse?: boolean;
}

/** Calls one upstream MCP server. Every call is bounded by one deadline; failures are McpUpstreamErrors. */
export interface McpUpstreamClient {
  listTools(signal?: AbortSignal): Promise<Tool[]>;
  /**
   * `call` says whom the call is made for: an upstream with per-call tokens gets a token naming
   * that caller and the arguments forwarded; without it such an upstream's call is refused.
   */
  callTool(name: string, args: Record<string, unknown>, signal?: AbortSignal, call?: UpstreamCallContext): Promise<CallToolResult>;
  close(): Promise<void>;
}

/** A credential header for an upstream request. */
export interface UpstreamCredential {
  header: string;
  value: string;
}

/** The message an upstream request carries, as a per-message credential sees it. */
export interface OutgoingUpstreamMessage {
  /** The JSON-RPC method; undefined for a request without a message (the SSE GET) or a response. */
  method?: string;
  /** For `tools/call`: the tool, the arguments exactly as sent, and whom the call is for. */
  call?: { tool: string; arguments: unknown; context: UpstreamCallContext };
}

/** Who a forwarded tool call is for, and which record it belongs to (the per-call token's claims). */
export interface UpstreamCallContext {
  caller: CallTokenCaller;
  sessionId: string;
  /** The approval a reviewed call runs under. */
  approvalId?: string;
  /**
   * Passes a request the upstream sent during this call (`sampling/createMessage`,
   * `elicitation/create`) on to the agent and returns its answer; set only when the policy allows it
   * for this upstream and the agent's call is streamed. Unset: such requests are refused.
   */
  relay?: (request: UpstreamRequest, signal: AbortSignal) => Promise<Record<string, unknown>>;
}

/** A JSON-RPC request an upstream sent Airlock's client during a tool call. */
export interface UpstreamRequest {
  method: string;
  params?: Record<string, unknown>;
}

/**
 * Where an agent's answer to a relayed request meets the call waiting for it. The answer comes in a
 * POST of its own (the Streamable HTTP client posts responses), which may reach another instance
 * than the one holding the call's stream: so in AWS this is a shared store, locally process memory.
 */
export interface AgentAnswers {
  /** Registers the wait for the answer `owner` will post under `id`: done before the request goes out. */
  open(owner: string, id: string): Promise<PendingAnswer>;
  /** Hands a posted answer to the call waiting for it; false when none waits for it. */
  deliver(owner: string, id: string, answer: AgentAnswer): Promise<boolean>;
}

export interface PendingAnswer {
  /** The answer, or undefined when `signal` aborts first (the call's deadline, the caller gone). */
  wait(signal: AbortSignal): Promise<AgentAnswer | undefined>;
}

/** A JSON-RPC response from the agent: a result or an error. */
export type AgentAnswer = { result: Record<string, unknown> } | { error: { code: number; message: string; data?: unknown } };

export type McpUpstreamFailure = 'unavailable' | 'timeout' | 'rejected';

/**
 * An upstream failed: `unavailable` (down, refused, HTTP error), `timeout` (silent past the
 * deadline) or `rejected` (it answered a JSON-RPC error, e.g. an unknown tool or invalid params).
 * The message is Airlock's own; an upstream's error text is never passed on as is.
 */
export class McpUpstreamError extends Error {
  override readonly name = 'McpUpstreamError';
  constructor(
    readonly kind: McpUpstreamFailure,
    message: string,
    readonly upstreamCode?: number,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

/** What the gateway needs for `/mcp`. */
export interface McpDeps {
  upstreams: readonly McpUpstream[];
  /** The RFC 9728 document's `authorization_servers`: the issuers whose tokens are accepted. */
  authorizationServers: readonly string[];
  /** Public base URL (`https://…`); unset: taken from the request's Host header. */
  publicBaseUrl?: string;
  /** Signs the per-call upstream tokens; its public key is served at `/.well-known/jwks.json` (none: an empty key set). */
  callTokenSigner?: CallTokenSigner;
  /** Issue 11 plugs the approval workflow in here. Unset: a `review` decision is refused with its reasons. */
  reviews?: McpReviewGate;
  /** Pinned tools (fingerprints, quarantine, tool-change approvals). Unset: tools are not pinned. */
  pinning?: ToolPinningPorts;
  /** Relays upstream requests the policy allows (sampling, elicitation) to the agent. Unset: all are refused. */
  agentAnswers?: AgentAnswers;
}

export interface McpReviewGate {
  /**
   * Answers a tool call the guard sent to review: holds it for approval, or, for the same call from
   * the same caller already held, that approval's outcome (the approved call's result, sent once).
   * Completes the call's session record itself.
   */
  handleReview(call: ReviewedToolCall): Promise<CallToolResult>;
  /** The gateway's own tool `airlock.wait_for_approval`: waits (bounded) for a held call's outcome. */
  waitForApproval(call: GatewayToolCall, requestId: unknown): Promise<CallToolResult>;
  /** A held call of this caller's as it stands, an approved one sent first; undefined when none is theirs (MCP tasks). */
  heldCall(principal: Pick<Principal, 'issuer' | 'sub'>, requestId: string): Promise<HeldCallState | undefined>;
}

/** What a task sees of a held call. */
export interface HeldCallState {
  id: string;
  status: 'pending' | 'approved' | 'denied' | 'expired' | 'completed' | 'failed' | 'executing';
  createdAt: string;
  updatedAt: string;
  decideBy: string;
  approversGroup: string;
  timeoutSeconds: number;
}

/** How a held call may wait: progress notifications on a streamed answer, while the caller stays. */
export interface ToolCallWaiting {
  /** Set when the client sent `_meta.progressToken` and the answer is streamed (SSE). */
  progress?: (progress: number, total: number, message: string) => Promise<void>;
  signal?: AbortSignal;
  /** The request's own base URL (`http://host`), for the status URL when no public base URL is configured. */
  requestBaseUrl: string;
}

/** A `tools/call` of one of the gateway's own tools. */
export interface GatewayToolCall {
  principal: Principal;
  waiting: ToolCallWaiting;
  /** A session begun for this call: the gate completes it. */
  recorder: SessionRecorder;
  receivedAt: number;
}

export interface ReviewedToolCall extends GatewayToolCall {
  sessionId: string;
  upstream: string;
  tool: string;
  maskedArguments: Record<string, unknown>;
  reasons: readonly string[];
  groupPolicy: GroupPolicy;
  risk: RiskAssessment;
  findingCounts: Record<string, number>;
  /** Masking changed the arguments (the approved call sends them masked). */
  maskingChanged: boolean;
  /** The arguments parsed as SQL or shell, by name. */
  commandArguments: Readonly<Record<string, 'sql' | 'shell'>>;
}
