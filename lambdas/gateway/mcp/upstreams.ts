import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
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
  callTool(name: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<CallToolResult>;
  close(): Promise<void>;
}

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
  /** Issue 11 plugs the approval workflow in here. Unset: a `review` decision is refused with its reasons. */
  reviews?: McpReviewGate;
  /** Pinned tools (fingerprints, quarantine, tool-change approvals). Unset: tools are not pinned. */
  pinning?: ToolPinningPorts;
}

export interface McpReviewGate {
  /** Answers a tool call the guard sent to review (held, approved, denied). */
  handleReview(call: ReviewedToolCall): Promise<CallToolResult>;
}

export interface ReviewedToolCall {
  sessionId: string;
  upstream: string;
  tool: string;
  maskedArguments: Record<string, unknown>;
  reasons: readonly string[];
}
