import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { SessionRecorder } from '../session-recorder';
import { MCP_ERRORS, McpRpcError } from './json-rpc-errors';
import { MCP_ROUTE, type ToolCallContext } from './tool-call';
import { WAIT_TOOL } from './held-call-answers';

/** The gateway's own tool, listed to callers when MCP approvals are configured. */
export const WAIT_TOOL_DEFINITION: Tool = {
  name: WAIT_TOOL,
  title: 'Wait for an Airlock approval',
  description:
    'Waits (bounded) for the decision on a tool call Airlock holds for human approval, then returns that call\'s result, the denial, or that it is still pending. Pass the request_id from the "awaits approval" answer.',
  inputSchema: { type: 'object', properties: { request_id: { type: 'string', description: 'The request id of the held call.' } }, required: ['request_id'] },
  annotations: { readOnlyHint: false, openWorldHint: true },
};

/** `tools/call airlock.wait_for_approval`: a session of its own (route MCP), completed by the approval gate. */
export async function waitToolCall(ctx: ToolCallContext, args: Record<string, unknown> | undefined): Promise<CallToolResult> {
  const reviews = ctx.mcp.reviews;
  if (!reviews) throw new McpRpcError(MCP_ERRORS.invalidParams, `Unknown tool: ${WAIT_TOOL}`);
  const { deps } = ctx;
  const recorder = new SessionRecorder(
    deps,
    { id: deps.newId(), principal: ctx.principal, route: MCP_ROUTE, createdAt: new Date(deps.clock.now()) },
    ctx.receivedAt,
    deps.clock.monotonic,
  );
  const recordStart = deps.clock.monotonic();
  try {
    await recorder.begin({ model: WAIT_TOOL, status: 'in_progress', findingCounts: {} });
  } catch {
    throw new McpRpcError(MCP_ERRORS.recordUnavailable, 'The call could not be recorded; try again shortly.');
  }
  ctx.onSession({
    sessionId: recorder.id,
    decision: 'none',
    overheadMs: deps.clock.monotonic() - ctx.receivedAt,
    recordMs: deps.clock.monotonic() - recordStart,
  });
  return reviews.waitForApproval(
    {
      principal: ctx.principal,
      recorder,
      receivedAt: ctx.receivedAt,
      waiting: { ...(ctx.waiting ?? { requestBaseUrl: 'http://localhost' }), ...(ctx.signal ? { signal: ctx.signal } : {}) },
    },
    args?.request_id,
  );
}
