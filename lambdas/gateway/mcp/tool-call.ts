import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Principal } from '../../auth/principal';
import type { CommandArgument } from '../../inspect/commands/effect';
import { allowedUpstreamRequests, combineDecision, DEFAULT_COMMAND_ARGUMENTS, matchToolRule, type McpPolicy } from '../../inspect/mcp-policy';
import type { GroupPolicy } from '../../inspect/policy';
import type { Decision, Inspector } from '../../inspect/types';
import { errorForLog } from '../../shared/logger';
import type { SessionStatus } from '../../store/types';
import type { GatewayDeps } from '../ports';
import { SessionRecorder } from '../session-recorder';
import { rememberTools, toolDefinition } from './tool-definitions';
import { inspectToolArguments, maskToolValue } from './tool-inspection';
import { maskToolResult } from './tool-result';
import { MCP_ERRORS, McpRpcError } from './json-rpc-errors';
import { splitToolName } from './tool-names';
import { ToolPinning, type CallAdmission } from './tool-pinning';
import { McpUpstreamError, type McpDeps, type ToolCallWaiting, type UpstreamCallContext, type UpstreamRequest } from './upstreams';

export const MCP_ROUTE = 'POST /mcp';

export interface ToolCallContext {
  deps: GatewayDeps;
  mcp: McpDeps;
  principal: Principal;
  groupPolicy: GroupPolicy;
  inspector: Inspector;
  receivedAt: number;
  signal?: AbortSignal;
  /** Set once the call has a session record: the route puts it in the response headers. */
  onSession(meta: CallMeta): void;
  /** Work that completes the record: run after the answer is sent, awaited before the request ends. */
  afterAnswer(work: Promise<unknown>): void;
  /** How a reviewed call may wait for its approval (progress on a streamed answer); unset: answered at once. */
  waiting?: Omit<ToolCallWaiting, 'signal'>;
  /** Sends a request to the agent on this call's streamed answer and waits for its (masked) answer; unset: not streamed. */
  relayToAgent?: (request: UpstreamRequest, signal: AbortSignal) => Promise<Record<string, unknown>>;
}

export interface CallMeta {
  sessionId: string;
  decision: Decision | 'none';
  overheadMs: number;
  /** Time spent writing the session item before forwarding (fail closed), reported apart from the overhead. */
  recordMs: number;
}

/**
 * The guard for one `tools/call`: find the upstream the caller may use, inspect the arguments
 * (masked; SQL and shell parsed into effects), decide, record, forward the masked arguments, mask
 * the result. `block` answers a tool error with reasons; `review` goes to the approval gate
 * (tool-approvals.ts), or without one is refused the same way.
 */
export async function guardedToolCall(ctx: ToolCallContext, name: string, rawArgs: Record<string, unknown> | undefined): Promise<CallToolResult> {
  const { deps, mcp, principal, inspector } = ctx;
  const target = splitToolName(name);
  const upstream = target && mcp.upstreams.find((u) => u.name === target.upstream);
  if (!target || !upstream) throw new McpRpcError(MCP_ERRORS.invalidParams, `Unknown tool: ${inspector.maskText(name.slice(0, 200)).masked}`);
  if (!upstream.groups.some((g) => principal.groups.includes(g))) {
    throw new McpRpcError(MCP_ERRORS.forbidden, `Your groups may not use the tools of upstream "${upstream.name}".`);
  }

  const args = rawArgs ?? {};
  const policy: McpPolicy | undefined = deps.policy.mcp;
  const recorder = new SessionRecorder(deps, { id: deps.newId(), principal, route: MCP_ROUTE, createdAt: new Date(deps.clock.now()) }, ctx.receivedAt, deps.clock.monotonic);
  const since = () => deps.clock.monotonic() - ctx.receivedAt;

  let inspection;
  try {
    inspection = inspectToolArguments(inspector, ctx.groupPolicy, args, {
      commands: commandArguments(args, policy),
      ...(policy?.protected_namespaces ? { protectedNamespaces: policy.protected_namespaces } : {}),
    });
  } catch (err) {
    // Inspection never fails open.
    deps.logger.error('mcp argument inspection failed', { error: errorForLog(err) });
    throw new McpRpcError(MCP_ERRORS.internalError, 'The tool arguments could not be inspected; the call was not forwarded.');
  }
  const rule = matchToolRule(policy, principal.groups, name, args);
  let decision: Decision = inspection.blockedBy.length ? 'block' : combineDecision(inspection.risk.decision, rule);
  const request = { upstream: upstream.name, tool: target.tool, arguments: inspection.value };
  const reasons = [
    ...inspection.blockedBy.map((type) => `${type} detected and blocked by policy`),
    ...(rule && rule.action !== 'allow' ? [`policy rule for ${rule.tool}: ${rule.action}`] : []),
    ...inspection.risk.reasons.map((r) => r.message),
  ];

  const recordStart = deps.clock.monotonic();
  try {
    await recorder.begin({
      model: name,
      decision,
      // A reviewed call the approval gate holds is `pending` until the gate records its outcome.
      status: decision === 'allow' ? 'in_progress' : decision === 'review' && mcp.reviews ? 'pending' : 'blocked',
      risk: { score: inspection.risk.score, reasons: inspection.risk.reasons },
      findingCounts: inspection.findingCounts,
    });
  } catch {
    throw new McpRpcError(MCP_ERRORS.recordUnavailable, 'The call could not be recorded, so it was not forwarded; try again shortly.');
  }
  const recordMs = deps.clock.monotonic() - recordStart;
  ctx.onSession({ sessionId: recorder.id, decision, overheadMs: since(), recordMs });

  // Pinned tools: a call that could go out (or to review) needs the tool's listed definition accepted.
  let admission: CallAdmission = { allowed: true };
  if (decision !== 'block') {
    try {
      admission = await pinnedAdmission(ctx, upstream, target.tool);
    } catch (thrown) {
      const err = thrown instanceof McpRpcError ? thrown : upstreamFailure(thrown, upstream.name, inspector);
      ctx.afterAnswer(recorder.finish(
        { status: 'failed', httpStatus: 200, errorCode: `mcp_${err.code}`, timings: { overheadMs: since(), totalMs: since() } },
        { request, error: { status: 200, code: String(err.code) } },
      ));
      throw err;
    }
    if (!admission.allowed) {
      decision = 'block';
      reasons.unshift(...admission.reasons);
      ctx.onSession({ sessionId: recorder.id, decision, overheadMs: since(), recordMs });
    }
  }

  if (decision === 'review' && mcp.reviews) {
    // The approval gate completes this session's record itself (held, or answered from a held call).
    return mcp.reviews.handleReview({
      sessionId: recorder.id,
      upstream: upstream.name,
      tool: target.tool,
      maskedArguments: inspection.value as Record<string, unknown>,
      reasons,
      principal,
      groupPolicy: ctx.groupPolicy,
      risk: inspection.risk,
      findingCounts: inspection.findingCounts,
      maskingChanged: JSON.stringify(inspection.value) !== JSON.stringify(args),
      commandArguments: commandLanguages(args, policy),
      recorder,
      receivedAt: ctx.receivedAt,
      waiting: { ...(ctx.waiting ?? { requestBaseUrl: 'http://localhost' }), ...(ctx.signal ? { signal: ctx.signal } : {}) },
    });
  }
  if (decision !== 'allow') {
    const result = refusal(decision, reasons, admission.allowed ? undefined : admission.head);
    const errorCode = !admission.allowed ? 'tool_quarantined' : decision === 'block' ? 'tool_call_blocked' : 'approval_required';
    ctx.afterAnswer(recorder.finish(
      { status: 'blocked', decision, httpStatus: 200, errorCode, timings: { overheadMs: since(), totalMs: since() } },
      { request, response: result },
    ));
    deps.logger.info('mcp call refused', { sessionId: recorder.id, upstream: upstream.name, decision });
    return result;
  }

  const forwardAt = deps.clock.monotonic();
  let upstreamMs = 0;
  try {
    const relay = relayFor(ctx, upstream.name, recorder.id);
    const result = await upstream.client.callTool(target.tool, inspection.value as Record<string, unknown>, ctx.signal, {
      caller: { sub: principal.sub, issuer: principal.issuer },
      sessionId: recorder.id,
      ...(relay ? { relay } : {}),
    });
    upstreamMs = deps.clock.monotonic() - forwardAt;
    const masked = await maskToolResult(inspector, result, () => toolDefinition(upstream, target.tool, ctx.signal));
    const findingCounts = { ...inspection.findingCounts };
    for (const f of masked.findings) findingCounts[`response.${f.type}`] = (findingCounts[`response.${f.type}`] ?? 0) + 1;
    const overheadMs = since() - upstreamMs;
    ctx.onSession({ sessionId: recorder.id, decision, overheadMs, recordMs });
    ctx.afterAnswer(recorder.finish(
      { status: 'completed', httpStatus: 200, findingCounts, timings: { overheadMs, upstreamMs, totalMs: since() } },
      { request, response: masked.value },
    ));
    deps.logger.info('mcp call completed', { sessionId: recorder.id, upstream: upstream.name, decision, overheadMs, ...(masked.structuredDropped ? { structuredResult: 'text_only' } : {}) });
    return masked.value as CallToolResult;
  } catch (thrown) {
    const err = upstreamFailure(thrown, upstream.name, inspector);
    const status: SessionStatus = 'failed';
    ctx.afterAnswer(recorder.finish(
      { status, httpStatus: 200, errorCode: `mcp_${err.code}`, timings: { overheadMs: since() - upstreamMs, totalMs: since() } },
      { request, error: { status: 200, code: String(err.code) } },
    ));
    deps.logger.info('mcp call failed', { sessionId: recorder.id, upstream: upstream.name, code: err.code });
    throw err;
  }
}

/**
 * What the upstream may ask the agent during this call, if the policy allows it for the upstream
 * and the agent's answer is streamed: the request goes to the agent masked like a result, the
 * agent's answer comes back masked like arguments (masked where it was posted, agent-answers.ts).
 */
function relayFor(ctx: ToolCallContext, upstream: string, sessionId: string): UpstreamCallContext['relay'] {
  const allowed = allowedUpstreamRequests(ctx.deps.policy.mcp, upstream);
  const toAgent = ctx.relayToAgent;
  if (!toAgent || !allowed.length) return undefined;
  return async (request, signal) => {
    const params = request.params && (maskToolValue(ctx.inspector, request.params).value as Record<string, unknown>);
    const started = ctx.deps.clock.monotonic();
    try {
      const answer = await toAgent({ method: request.method, ...(params ? { params } : {}) }, signal);
      ctx.deps.logger.info('mcp upstream request relayed', { sessionId, upstream, method: request.method, ms: Math.round(ctx.deps.clock.monotonic() - started) });
      return answer;
    } catch (err) {
      ctx.deps.logger.info('mcp upstream request not answered', { sessionId, upstream, method: request.method, error: errorForLog(err) });
      throw err;
    }
  };
}

function commandArgumentNames(policy: McpPolicy | undefined) {
  return {
    sql: policy?.command_arguments?.sql ?? DEFAULT_COMMAND_ARGUMENTS.sql,
    shell: policy?.command_arguments?.shell ?? DEFAULT_COMMAND_ARGUMENTS.shell,
  };
}

/** Which arguments are parsed as SQL or shell, by lower-cased name (the approver's page shows them as code). */
function commandLanguages(args: Record<string, unknown>, policy: McpPolicy | undefined): Record<string, 'sql' | 'shell'> {
  const names = commandArgumentNames(policy);
  const out: Record<string, 'sql' | 'shell'> = {};
  for (const key of Object.keys(args)) {
    const lower = key.toLowerCase();
    for (const language of ['sql', 'shell'] as const) if ((names[language] as readonly string[]).includes(lower)) out[lower] = language;
  }
  return out;
}

/** The string arguments parsed as SQL or shell: by name, from the policy or the defaults. */
function commandArguments(args: Record<string, unknown>, policy: McpPolicy | undefined): CommandArgument[] {
  const names = commandArgumentNames(policy);
  const out: CommandArgument[] = [];
  for (const [key, value] of Object.entries(args)) {
    const texts = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    const lower = key.toLowerCase();
    for (const language of ['sql', 'shell'] as const) {
      if ((names[language] as readonly string[]).includes(lower)) for (const text of texts) out.push({ language, text });
    }
  }
  return out;
}

/** Pinned tools: whether the tool's listed definition is accepted (always, when pinning is not configured). */
async function pinnedAdmission(ctx: ToolCallContext, upstream: McpDeps['upstreams'][number], tool: string): Promise<CallAdmission> {
  const { deps, mcp } = ctx;
  if (!mcp.pinning) return { allowed: true };
  try {
    const list = async () => {
      const tools = await upstream.client.listTools(ctx.signal);
      rememberTools(upstream, tools);
      return tools;
    };
    return await new ToolPinning(deps, mcp.pinning, ctx.inspector).admitCall(upstream, tool, ctx.principal, list);
  } catch (err) {
    if (err instanceof McpUpstreamError) throw err;
    deps.logger.error('mcp tool pin check failed', { upstream: upstream.name, error: errorForLog(err) });
    throw new McpRpcError(MCP_ERRORS.recordUnavailable, "The tool's accepted definition could not be checked, so the call was not forwarded; try again shortly.");
  }
}

function refusal(decision: Decision, reasons: readonly string[], quarantined?: string): CallToolResult {
  const head = quarantined ??
    (decision === 'block'
      ? 'Airlock blocked this tool call.'
      : 'Airlock refused this tool call: it needs human approval, and no approval workflow is configured for MCP tool calls.');
  return { isError: true, content: [{ type: 'text', text: [head, ...reasons.map((r) => `- ${r}`)].join('\n') }] };
}

function upstreamFailure(thrown: unknown, upstream: string, inspector: Inspector): McpRpcError {
  if (thrown instanceof McpUpstreamError) {
    if (thrown.kind === 'timeout') return new McpRpcError(MCP_ERRORS.upstreamTimeout, `Upstream "${upstream}" did not answer in time.`);
    if (thrown.kind === 'unavailable') return new McpRpcError(MCP_ERRORS.upstreamUnavailable, `Upstream "${upstream}" is unavailable.`);
    // The upstream's own JSON-RPC error: its code is kept, its text masked.
    return new McpRpcError(thrown.upstreamCode ?? MCP_ERRORS.internalError, inspector.maskText(thrown.message).masked);
  }
  return new McpRpcError(MCP_ERRORS.internalError, `The call to upstream "${upstream}" failed.`);
}
