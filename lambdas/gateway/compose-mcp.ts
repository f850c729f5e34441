import { composeGateway, type GatewayAdapters } from './compose';
import type { GatewayRequest, ResponseSink } from './http';
import { MCP_USE_CASES } from './mcp/mcp-routes';
import { mcpTransportError } from './mcp/transport-errors';
import type { McpDeps } from './mcp/upstreams';
import { McpToolApprovals } from './mcp/tool-approvals';
import type { ApprovalEventPublisher } from './approvals/approval-events';
import type { ApprovalWorkflow } from './approvals/ports';
import type { ApprovalStore } from '../store/approval-types';
import type { GatewayDeps } from './ports';
import { createGatewayApp } from './router';
import type { ChatProvider } from '../providers/types';
import type { AirlockError } from '../shared/errors';

/**
 * The MCP gateway's side of the composition root (lambdas/gateway/compose.ts builds the rest). A
 * module of its own only because bundles follow imports: the chat proxy must not carry the MCP SDK
 * and the SQL and shell parsers, and the MCP function no chat upstream.
 */
export interface McpGateway {
  deps: GatewayDeps;
  /** Serves every route the MCP function serves (lambdas/gateway/routes.ts). */
  app: (req: GatewayRequest, sink: ResponseSink) => Promise<void>;
  /** Renders an error raised before the app (401, 413) as JSON-RPC with the RFC 9728 challenge. */
  renderError(err: AirlockError, headers: Record<string, string>): { status: number; headers: Record<string, string>; body: unknown };
}

/** The MCP function calls no LLM: a chat route reaching it is a wiring mistake, refused loudly. */
const NO_CHAT_UPSTREAM: ChatProvider = {
  name: 'none',
  call: () => Promise.reject(new Error('the MCP gateway has no chat upstream')),
  listModels: () => Promise.reject(new Error('the MCP gateway has no chat upstream')),
};

/** Where reviewed tool calls are held: the chat prompts' approval store and workflow, and how long a call may wait. */
export interface McpApprovalsAdapters {
  store: ApprovalStore;
  workflow: ApprovalWorkflow;
  holdMs: number;
  progressIntervalMs: number;
  waitMs: number;
  approvalEvents?: ApprovalEventPublisher;
  pollMs?: number;
}

export function composeMcpGateway(
  a: Omit<GatewayAdapters, 'providers' | 'approvals'> & { providers?: GatewayAdapters['providers']; mcp: McpDeps; mcpApprovals?: McpApprovalsAdapters },
): McpGateway {
  // Tool calls spend no LLM tokens: the policy's rate limits and budgets cover the LLM routes only.
  const { deps } = composeGateway({ ...a, providers: a.providers ?? { openai: NO_CHAT_UPSTREAM }, rateLimits: false });
  const ap = a.mcpApprovals;
  deps.mcp = ap
    ? {
        ...a.mcp,
        reviews: new McpToolApprovals({
          approvals: ap.store,
          workflow: ap.workflow,
          sessions: a.sessions,
          transcripts: a.transcripts,
          logger: a.logger,
          clock: a.clock,
          policy: a.policy,
          upstreams: a.mcp.upstreams,
          inspectorFor: deps.inspectorFor,
          holdMs: ap.holdMs,
          progressIntervalMs: ap.progressIntervalMs,
          waitMs: ap.waitMs,
          ...(a.mcp.publicBaseUrl ? { publicBaseUrl: a.mcp.publicBaseUrl } : {}),
          ...(ap.approvalEvents ? { approvalEvents: ap.approvalEvents } : {}),
          ...(ap.pollMs !== undefined ? { pollMs: ap.pollMs } : {}),
        }),
      }
    : a.mcp;
  return {
    deps,
    app: createGatewayApp(deps, 'mcp', MCP_USE_CASES),
    renderError: (err, headers) => mcpTransportError(err, a.mcp, headers),
  };
}
