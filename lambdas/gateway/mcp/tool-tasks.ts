import type { CallToolResult, CreateTaskResult, GetTaskResult } from '@modelcontextprotocol/sdk/types.js';
import type { Principal } from '../../auth/principal';
import type { GatewayDeps } from '../ports';
import { MCP_ERRORS, McpRpcError } from './json-rpc-errors';
import { MCP_ROUTE } from './tool-call';
import type { HeldCallState, McpReviewGate } from './upstreams';

/**
 * MCP tasks (2025-11-25, `params.task` on `tools/call`; the SDK 1.x client's
 * `experimental.tasks.callToolStream`): stateless, because a task is a record Airlock keeps anyway.
 * A call held for approval is the task `airlock-held-<request id>`, working until the approval is
 * settled (tasks/get collects an approved call, so polling is enough to get it sent); any other
 * call is done when it is answered and is the task `airlock-call-<session id>`, whose result is
 * the masked result in that session's transcript. Only the caller's own tasks are found.
 */
const RELATED_TASK = 'io.modelcontextprotocol/related-task';
const TASK_ID = /^airlock-(held|call)-([A-Za-z0-9_-]{10,64})$/;
/** How often a client should poll: a human decides a held call; any other is done within a second. */
const POLL_HELD_MS = 5_000;
const POLL_CALL_MS = 500;
/** How long a finished call's task is promised to be found (its record is kept much longer). */
const CALL_TASK_TTL_MS = 24 * 3600_000;
const SETTLE_WAIT_MS = 5_000;

export interface TaskContext {
  deps: GatewayDeps;
  reviews: McpReviewGate;
  principal: Pick<Principal, 'issuer' | 'sub'>;
}

interface ApprovalMeta {
  request_id?: unknown;
  status?: unknown;
}

/** The `tools/call` answer when the client asked for a task: the held call's task, or the finished call's. */
export function createdTask(result: CallToolResult, sessionId: string | undefined, now: number): CreateTaskResult {
  const at = new Date(now).toISOString();
  const held = (result._meta as Record<string, ApprovalMeta> | undefined)?.['airlock/approval'];
  if (held && typeof held.request_id === 'string' && (held.status === 'pending' || held.status === 'approved' || held.status === 'executing')) {
    const decideBy = Date.parse(String((held as { decide_by?: unknown }).decide_by));
    const ttl = Number.isFinite(decideBy) ? Math.max(0, decideBy - now) : null;
    return { task: { taskId: `airlock-held-${held.request_id}`, status: 'working', statusMessage: firstLine(result), ttl, createdAt: at, lastUpdatedAt: at, pollInterval: POLL_HELD_MS } };
  }
  if (!sessionId) throw new McpRpcError(MCP_ERRORS.internalError, 'The call has no record to make a task of.');
  return { task: { taskId: `airlock-call-${sessionId}`, status: 'completed', ttl: CALL_TASK_TTL_MS, createdAt: at, lastUpdatedAt: at } };
}

/** `tasks/get`. */
export async function getTask(ctx: TaskContext, taskId: string): Promise<GetTaskResult> {
  const [kind, id] = parse(taskId);
  if (kind === 'held') {
    const held = await ctx.reviews.heldCall(ctx.principal, id);
    if (!held) throw unknownTask();
    return heldTask(taskId, held);
  }
  const session = await ownSession(ctx, id);
  return {
    taskId,
    status: session.status === 'in_progress' ? 'working' : 'completed',
    ttl: CALL_TASK_TTL_MS,
    createdAt: session.createdAt,
    lastUpdatedAt: session.updatedAt,
    pollInterval: POLL_CALL_MS,
  };
}

/**
 * `tasks/result`: a held call's outcome through `collect` (the bounded wait of
 * `airlock.wait_for_approval`, a session of its own), a finished call's masked result from its
 * record (the transcript's SHA-256 checked against the item).
 */
export async function getTaskResult(ctx: TaskContext, taskId: string, collect: (requestId: string) => Promise<CallToolResult>): Promise<CallToolResult> {
  const [kind, id] = parse(taskId);
  const related = { [RELATED_TASK]: { taskId } };
  if (kind === 'held') {
    if (!(await ctx.reviews.heldCall(ctx.principal, id))) throw unknownTask();
    const result = await collect(id);
    return { ...result, _meta: { ...(result._meta ?? {}), ...related } };
  }
  let session = await ownSession(ctx, id);
  // The record is completed just after the call was answered: give it a moment.
  for (const until = ctx.deps.clock.now() + SETTLE_WAIT_MS; session.status === 'in_progress' && ctx.deps.clock.now() < until; ) {
    await new Promise((r) => setTimeout(r, 100));
    session = await ownSession(ctx, id);
  }
  const stored = session.transcriptKey ? await ctx.deps.transcripts.get(session.transcriptKey).catch(() => undefined) : undefined;
  const response = stored && stored.sha256 === session.transcriptSha256 ? stored.transcript.response : undefined;
  if (!response || typeof response !== 'object') throw new McpRpcError(MCP_ERRORS.internalError, "The call's result could not be read back intact, so it is not served.");
  const result = response as CallToolResult;
  return { ...result, _meta: { ...(result._meta ?? {}), ...related } };
}

function heldTask(taskId: string, held: HeldCallState): GetTaskResult {
  const working = held.status === 'pending' || held.status === 'approved' || held.status === 'executing';
  const message: Record<HeldCallState['status'], string> = {
    pending: `Awaits approval by a member of '${held.approversGroup}' (request ${held.id}, decide by ${held.decideBy}).`,
    approved: 'Approved; being sent.',
    executing: 'Approved; being sent.',
    completed: 'Approved and sent: the result is ready.',
    denied: 'Denied by an approver: it was not sent.',
    expired: 'Expired: it was not sent.',
    failed: 'It could not be completed, and was not sent again.',
  };
  return {
    taskId,
    status: working ? 'working' : 'completed',
    statusMessage: message[held.status],
    ttl: held.timeoutSeconds * 1000,
    createdAt: held.createdAt,
    lastUpdatedAt: held.updatedAt,
    pollInterval: POLL_HELD_MS,
  };
}

async function ownSession(ctx: TaskContext, id: string) {
  const session = await ctx.deps.sessions.get(id).catch(() => {
    throw new McpRpcError(MCP_ERRORS.recordUnavailable, 'The records could not be reached; try again shortly.');
  });
  if (!session || session.route !== MCP_ROUTE || session.principal.issuer !== ctx.principal.issuer || session.principal.sub !== ctx.principal.sub) throw unknownTask();
  return session;
}

function parse(taskId: string): ['held' | 'call', string] {
  const m = TASK_ID.exec(taskId);
  if (!m) throw unknownTask();
  return [m[1] as 'held' | 'call', m[2]!];
}

const unknownTask = () => new McpRpcError(MCP_ERRORS.invalidParams, 'No task of yours has this id.');

function firstLine(result: CallToolResult): string {
  const first = result.content.find((c) => c.type === 'text');
  return first?.type === 'text' ? first.text.split('\n')[0]!.slice(0, 300) : 'Awaits approval.';
}
