import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Principal } from '../../auth/principal';
import { resolveGroupPolicy, type GroupPolicy, type Policy } from '../../inspect/policy';
import type { Inspector } from '../../inspect/types';
import { errorForLog } from '../../shared/logger';
import type { ApprovalRequest, McpToolCallSubject } from '../../store/approval-types';
import type { Transcript } from '../../store/types';
import { APPROVAL_ID, isRequestedBy, outcomeStillApplies, pendingApprovalFields, randomApprovalId, sessionApproval } from '../approvals/approval-record';
import { expireUncollected } from '../approvals/uncollected';
import { publishApprovalEvent } from '../approvals/approval-events';
import type { ApprovalRecordsDeps, ApprovalWorkflow } from '../approvals/ports';
import { withResponseFindings } from '../finding-counts';
import type { SessionRecorder } from '../session-recorder';
import { MCP_ERRORS, McpRpcError } from './json-rpc-errors';
import { heldToolCallOf, toolCallHash, type HeldToolCall } from './tool-call-binding';
import { heldArguments } from './held-arguments';
import { errorCodeOf, errorResult, ownSessionStatus, statusText, WAIT_TOOL } from './held-call-answers';
import { toolDefinition } from './tool-definitions';
import { maskToolResult } from './tool-result';
import { McpUpstreamError, type GatewayToolCall, type HeldCallState, type McpReviewGate, type McpUpstream, type ReviewedToolCall, type ToolCallWaiting } from './upstreams';
import { sleepUntilAborted } from '../../shared/wake-sleep';

export interface McpToolApprovalsOptions extends ApprovalRecordsDeps {
  workflow: ApprovalWorkflow;
  policy: Policy;
  /** The same upstreams the guard forwards to: the approved call goes out through the same client and credential. */
  upstreams: readonly McpUpstream[];
  inspectorFor(groupPolicy: GroupPolicy): Inspector;
  /** The gateway's public base URL, for `status_url`; unset: the request's own. */
  publicBaseUrl?: string;
  /** How long a call with a progressToken is held open for the decision. */
  holdMs: number;
  /** The interval of `notifications/progress` while held. */
  progressIntervalMs: number;
  /** The longest `airlock.wait_for_approval` waits without a progressToken. */
  waitMs: number;
  /** First poll interval while waiting (it grows to a second). */
  pollMs?: number;
  newApprovalId?: () => string;
}

const ROUTE = 'POST /mcp';
const META_KEY = 'airlock/approval';
/** After a failure a retry may ask again soon (as for chat). */
const FAILED_REUSE_MS = 5 * 60_000;
/** An `executing` claim older than this died with its gateway instance: the call is recorded failed, never sent again. */
const EXECUTION_STALE_MS = 10 * 60_000;

/**
 * Reviewed MCP tool calls: a `tools/call` the guard sent to review is held in the approval
 * workflow (the chat prompts' state machine, mail, page and rules) and bound to
 * `toolCallHash(caller, upstream, tool, masked arguments)`. Once approved, the gateway, which holds
 * the upstream's credential, sends exactly the held call when the agent collects it (the held call
 * still waiting with progress, a retry of the same call, or `airlock.wait_for_approval`): one
 * conditional write (`approved` → `executing`) claims it, so it is sent at most once, and its
 * masked result is stored and served to every later collection.
 */
export class McpToolApprovals implements McpReviewGate {
  constructor(private readonly deps: McpToolApprovalsOptions) {}

  async handleReview(call: ReviewedToolCall): Promise<CallToolResult> {
    const recording = { recorded: false };
    try {
      return await this.review(call, recording);
    } catch (err) {
      // The call's session was begun `pending`: if nothing recorded it since, it ends `failed` here (nothing was sent).
      if (!recording.recorded) {
        const code = 'approval_unavailable';
        await call.recorder.finish(
          { status: 'failed', httpStatus: 200, errorCode: code, timings: this.timings(call.receivedAt) },
          { request: { upstream: call.upstream, tool: call.tool, arguments: call.maskedArguments }, error: { status: 200, code } },
        );
      }
      throw err;
    }
  }

  private async review(call: ReviewedToolCall, recording: { recorded: boolean }): Promise<CallToolResult> {
    const { deps } = this;
    const held: HeldToolCall = { upstream: call.upstream, tool: call.tool, arguments: call.maskedArguments };
    const hash = toolCallHash(call.principal, held);
    let latest = await records(() => deps.approvals.findLatestByHash(hash));
    if (latest && (!isRequestedBy(latest, call.principal) || latest.subject?.kind !== 'mcp_tool_call')) latest = undefined;
    // An approved call past its life is expired now (if the workflow has not yet), and this retry is told so.
    if (latest && !stillApplies(latest, deps.clock.now())) latest = latest.status === 'approved' ? await this.expireUncollected(latest) : undefined;
    if (!latest) {
      const approval = await this.hold(call, held, hash, recording);
      const waited = await this.waitFor(approval, call.waiting, call.waiting.progress ? deps.holdMs : 0);
      // The held session is the approval's own: the workflow and the sending settle it.
      return this.answer(waited, call.waiting);
    }
    deps.logger.info('mcp call matches a held call', { sessionId: call.recorder.id, approvalId: latest.id, status: latest.status });
    const waited = await this.waitFor(latest, call.waiting, call.waiting.progress ? deps.holdMs : 0);
    return this.answer(waited, call.waiting, { recorder: call.recorder, request: held, receivedAt: call.receivedAt, recording });
  }

  async waitForApproval(call: GatewayToolCall, requestId: unknown): Promise<CallToolResult> {
    const { deps } = this;
    const request = { tool: WAIT_TOOL, request_id: typeof requestId === 'string' ? requestId.slice(0, 100) : null };
    const approval = typeof requestId === 'string' && APPROVAL_ID.test(requestId) ? await records(() => deps.approvals.get(requestId)) : undefined;
    // Someone else's request is "not found", so ids cannot be probed.
    if (!approval || !isRequestedBy(approval, call.principal) || approval.subject?.kind !== 'mcp_tool_call') {
      const result = errorResult(
        `No tool call of yours is held under request_id ${JSON.stringify(request.request_id)}. Pass the request_id from the "awaits approval" answer.`,
      );
      await call.recorder.finish(
        { status: 'failed', httpStatus: 200, errorCode: 'approval_not_found', timings: this.timings(call.receivedAt) },
        { request, response: result },
      );
      return result;
    }
    const waited = await this.waitFor(approval, call.waiting, call.waiting.progress ? deps.holdMs : deps.waitMs);
    return this.answer(waited, call.waiting, { recorder: call.recorder, request, receivedAt: call.receivedAt });
  }

  /**
   * A held call as a task sees it (tasks/get): the caller's own approval, an approved call sent
   * first (the poll is a collection, claimed like any other); undefined when it is not theirs.
   */
  async heldCall(principal: Pick<Principal, 'issuer' | 'sub'>, requestId: string): Promise<HeldCallState | undefined> {
    const { deps } = this;
    if (!APPROVAL_ID.test(requestId)) return undefined;
    const approval = await records(() => deps.approvals.get(requestId));
    if (!approval || !isRequestedBy(approval, principal) || approval.subject?.kind !== 'mcp_tool_call') return undefined;
    let current = asSeenAt(approval, deps.clock.now());
    if (current.status === 'approved') current = await this.send(current);
    if (current.status === 'executing' && Date.parse(current.updatedAt) + EXECUTION_STALE_MS < deps.clock.now()) current = await this.fail(current, 'execution_interrupted');
    const { id, status, createdAt, updatedAt, decideBy, approversGroup, timeoutSeconds } = current;
    return { id, status, createdAt, updatedAt, decideBy, approversGroup, timeoutSeconds };
  }

  /** Records the held session (masked call in its transcript, fail closed), creates the approval and starts the workflow. */
  private async hold(call: ReviewedToolCall, held: HeldToolCall, hash: string, recording: { recorded: boolean }): Promise<ApprovalRequest> {
    const { deps } = this;
    const now = deps.clock.now();
    const rules = call.groupPolicy.approval;
    const record = await call.recorder.finish(
      { status: 'pending', httpStatus: 200, errorCode: 'approval_pending', timings: this.timings(call.receivedAt) },
      { request: held },
    );
    // The approved call sends exactly this transcript's call: without it there is nothing to hold.
    if (!record.transcriptKey || !record.transcriptSha256) {
      throw new McpRpcError(MCP_ERRORS.recordUnavailable, 'The call could not be recorded, so it was not held or forwarded; try again shortly.');
    }
    const display = heldArguments(call.maskedArguments, call.commandArguments);
    const subject: McpToolCallSubject = {
      kind: 'mcp_tool_call',
      upstream: call.upstream,
      tool: call.tool,
      arguments: display.arguments,
      effects: commandEffects(call, call.upstream),
      masked: call.maskingChanged,
      truncated: display.truncated,
    };
    const approval: ApprovalRequest = {
      ...pendingApprovalFields({
        id: (deps.newApprovalId ?? randomApprovalId)(),
        session: record,
        requestHash: hash,
        now,
        timeoutSeconds: rules.timeout_seconds,
        principal: call.principal,
      }),
      model: `${call.upstream}.${call.tool}`,
      subject,
      // Chat fields: an MCP call has no wire format or stream of its own.
      format: 'openai',
      stream: false,
      risk: { score: call.risk.score, reasons: call.risk.reasons },
      findingCounts: call.findingCounts,
      approversGroup: rules.approvers_group,
      selfApproval: rules.self_approval,
      timeoutSeconds: rules.timeout_seconds,
      promptExcerpt: display.arguments
        .map((a) => `${a.name}: ${a.text}`)
        .join('\n')
        .slice(0, 2000),
      requestKey: record.transcriptKey,
      requestSha256: record.transcriptSha256,
    };
    try {
      await deps.approvals.create(approval);
    } catch {
      await deps.sessions.update(record.id, { status: 'failed', errorCode: 'approval_unavailable' }).catch(() => false);
      recording.recorded = true;
      throw new McpRpcError(MCP_ERRORS.recordUnavailable, 'The approval records could not be reached; nothing was sent. Try again shortly.');
    }
    // From here the approval and the workflow settle the held session.
    recording.recorded = true;
    try {
      await deps.workflow.start({ approvalId: approval.id, timeoutSeconds: rules.timeout_seconds, kind: 'mcp_tool_call' });
    } catch (err) {
      deps.logger.error('approval workflow could not be started', { sessionId: record.id, approvalId: approval.id, error: errorForLog(err) });
      const failed = { status: 'failed' as const, errorCode: 'workflow_unavailable', reuseUntil: new Date(now).toISOString() };
      await deps.approvals.transition(approval.id, ['pending'], failed).catch(() => false);
      await deps.sessions.update(record.id, { status: 'failed', errorCode: 'workflow_unavailable' }).catch(() => false);
      return { ...approval, ...failed };
    }
    deps.logger.info('mcp call held for approval', {
      sessionId: record.id,
      approvalId: approval.id,
      riskScore: approval.risk.score,
      approversGroup: approval.approversGroup,
    });
    return approval;
  }

  /**
   * Polls the approval until it is decided (an approved one is returned to be sent), the time is
   * up or the caller goes away; with a progress channel, a `notifications/progress` goes out at
   * every interval, so the client's request timeout restarts.
   */
  private async waitFor(approval: ApprovalRequest, waiting: ToolCallWaiting, ms: number): Promise<ApprovalRequest> {
    const { deps } = this;
    const start = deps.clock.now();
    const deadline = start + ms;
    const total = Math.ceil(ms / 1000);
    let current = approval;
    let interval = deps.pollMs ?? 250;
    let nextProgress = start;
    while (stillWaiting(current, deps.clock.now()) && !waiting.signal?.aborted && deps.clock.now() < deadline) {
      if (waiting.progress && deps.clock.now() >= nextProgress) {
        const elapsed = Math.floor((deps.clock.now() - start) / 1000);
        try {
          await waiting.progress(
            elapsed,
            total,
            `Awaiting approval by a member of '${current.approversGroup}' (request ${current.id}, decide by ${current.decideBy}).`,
          );
        } catch {
          break;
        }
        nextProgress += deps.progressIntervalMs;
      }
      const wake = Math.min(interval, deadline - deps.clock.now(), waiting.progress ? nextProgress - deps.clock.now() : Infinity);
      await sleepUntilAborted(Math.max(0, wake), waiting.signal);
      interval = Math.min(interval * 1.5, 1000);
      current = (await records(() => deps.approvals.get(current.id))) ?? current;
    }
    return current;
  }

  /** The agent's answer for an approval as it now stands; sends an approved call first. `own`: a session of its own to complete. */
  private async answer(
    approval: ApprovalRequest,
    waiting: ToolCallWaiting,
    own?: { recorder: SessionRecorder; request: unknown; receivedAt: number; recording?: { recorded: boolean } },
  ): Promise<CallToolResult> {
    const { deps } = this;
    let current = asSeenAt(approval, deps.clock.now());
    // A caller that went away collects nothing: the approved call waits for the next collection.
    if (current.status === 'approved' && !waiting.signal?.aborted) current = await this.send(current);
    if (current.status === 'executing' && Date.parse(current.updatedAt) + EXECUTION_STALE_MS < deps.clock.now())
      current = await this.fail(current, 'execution_interrupted');
    const statusUrl = `${(deps.publicBaseUrl ?? waiting.requestBaseUrl).replace(/\/+$/, '')}/v1/airlock/requests/${current.id}`;
    const meta = { request_id: current.id, status: current.status, status_url: statusUrl, decide_by: current.decideBy };

    let result: CallToolResult;
    if (current.status === 'completed') {
      const stored = await this.storedResult(current);
      result = { ...stored, _meta: { ...(stored._meta ?? {}), [META_KEY]: meta } };
    } else {
      result = { ...errorResult(statusText(current, statusUrl)), _meta: { [META_KEY]: meta } };
    }
    if (own) {
      const approvalRecord = sessionApproval(current);
      const code = errorCodeOf(current);
      await own.recorder.finish(
        {
          status: ownSessionStatus(current.status),
          httpStatus: 200,
          ...(code ? { errorCode: code } : {}),
          ...(approvalRecord ? { approval: approvalRecord } : {}),
          timings: this.timings(own.receivedAt),
        },
        { request: own.request, response: result },
      );
      if (own.recording) own.recording.recorded = true;
    }
    deps.logger.info('held mcp call answered', { approvalId: current.id, status: current.status, ...(own ? { sessionId: own.recorder.id } : {}) });
    return result;
  }

  /**
   * Sends the approved call, once: the claim (`approved` → `executing`) is a conditional write, so
   * of any number of collections exactly one sends it; the others find it executing or completed.
   * The call sent is the held session's transcript, checked against its recorded SHA-256 and the
   * approval's binding hash.
   */
  private async send(approval: ApprovalRequest): Promise<ApprovalRequest> {
    const { deps } = this;
    if (deps.clock.now() >= Date.parse(approval.reuseUntil)) return (await this.expireUncollected(approval)) ?? approval;
    const claimed = await records(() =>
      deps.approvals.transition(approval.id, ['approved'], { status: 'executing', updatedAt: new Date(deps.clock.now()).toISOString() }),
    );
    if (!claimed) return (await records(() => deps.approvals.get(approval.id))) ?? approval;
    const executing: ApprovalRequest = { ...approval, status: 'executing' };

    const stored = await deps.transcripts.get(approval.requestKey).catch(() => undefined);
    const held = stored && stored.sha256 === approval.requestSha256 ? heldToolCallOf(stored.transcript.request) : undefined;
    const subject = approval.subject?.kind === 'mcp_tool_call' ? approval.subject : undefined;
    if (
      !held ||
      !subject ||
      held.upstream !== subject.upstream ||
      held.tool !== subject.tool ||
      toolCallHash(approval.principal, held) !== approval.requestHash
    ) {
      deps.logger.error('held mcp call does not match its approval', { approvalId: approval.id });
      return this.fail(executing, 'request_integrity');
    }
    // The requester must still be allowed to use the gateway and this upstream when the call goes out.
    const groupPolicy = resolveGroupPolicy(deps.policy, approval.principal.groups);
    const upstream = deps.upstreams.find((u) => u.name === held.upstream);
    if (!groupPolicy || !upstream || !upstream.groups.some((g) => approval.principal.groups.includes(g))) return this.fail(executing, 'access_revoked');

    const started = deps.clock.monotonic();
    let answer: CallToolResult;
    try {
      // No caller signal: once claimed, the call is sent and its result kept, even if this caller goes away.
      // A per-call-token upstream gets the requester as subject and this approval named in the token.
      answer = await upstream.client.callTool(held.tool, held.arguments, undefined, {
        caller: { sub: approval.principal.sub, issuer: approval.principal.issuer },
        sessionId: approval.sessionId,
        approvalId: approval.id,
      });
    } catch (err) {
      deps.logger.warn('approved mcp call failed', { approvalId: approval.id, upstream: held.upstream, error: errorForLog(err) });
      return this.fail(executing, `mcp_${upstreamCode(err)}`);
    }
    const upstreamMs = Math.round(deps.clock.monotonic() - started);
    const masked = await maskToolResult(deps.inspectorFor(groupPolicy), answer, () => toolDefinition(upstream, held.tool));
    const findingCounts = withResponseFindings(approval.findingCounts, masked.findings);
    const now = deps.clock.now();
    const exchange: Transcript = {
      version: 1,
      sessionId: approval.sessionId,
      approvalId: approval.id,
      held: { key: approval.requestKey, sha256: approval.requestSha256 },
      createdAt: approval.sessionCreatedAt,
      route: ROUTE,
      model: approval.model,
      principal: { issuer: approval.principal.issuer, sub: approval.principal.sub },
      request: held,
      response: masked.value,
      findingCounts,
      risk: { score: approval.risk.score, decision: 'review', reasons: approval.risk.reasons },
    };
    let result;
    try {
      result = await deps.transcripts.put(exchange);
    } catch (err) {
      deps.logger.error('approved mcp result could not be stored', { approvalId: approval.id, error: errorForLog(err) });
      return this.fail(executing, 'transcript_unavailable');
    }
    const update = {
      status: 'completed' as const,
      reuseUntil: new Date(now + approval.timeoutSeconds * 1000).toISOString(),
      updatedAt: new Date(now).toISOString(),
      result: { transcriptKey: result.key, transcriptSha256: result.sha256, upstreamMs, findingCounts, finishedAt: new Date(now).toISOString() },
    };
    const settled: ApprovalRequest = { ...executing, ...update };
    const approvalRecord = sessionApproval(settled);
    await deps.sessions
      .update(approval.sessionId, {
        status: 'completed',
        updatedAt: update.updatedAt,
        transcriptKey: result.key,
        transcriptSha256: result.sha256,
        findingCounts,
        ...(approvalRecord ? { approval: approvalRecord } : {}),
      })
      .catch((err: unknown) => deps.logger.error('held session not completed', { approvalId: approval.id, error: errorForLog(err) }));
    await records(() => deps.approvals.transition(approval.id, ['executing'], update));
    await publishApprovalEvent(deps, settled, 'completed');
    deps.logger.info('approved mcp call sent', { approvalId: approval.id, sessionId: approval.sessionId, upstream: held.upstream, upstreamMs });
    return settled;
  }

  private async fail(approval: ApprovalRequest, errorCode: string): Promise<ApprovalRequest> {
    const { deps } = this;
    const now = deps.clock.now();
    const update = { status: 'failed' as const, errorCode, reuseUntil: new Date(now + FAILED_REUSE_MS).toISOString(), updatedAt: new Date(now).toISOString() };
    const settled: ApprovalRequest = { ...approval, ...update };
    const approvalRecord = sessionApproval(settled);
    await deps.sessions
      .update(approval.sessionId, { status: 'failed', errorCode, updatedAt: update.updatedAt, ...(approvalRecord ? { approval: approvalRecord } : {}) })
      .catch(() => false);
    const written = await deps.approvals.transition(approval.id, ['executing'], update).catch(() => false);
    if (written) await publishApprovalEvent(deps, settled, 'failed');
    return written ? settled : ((await deps.approvals.get(approval.id).catch(() => undefined)) ?? settled);
  }

  /** An approved call nobody collected before its re-use window ended is never sent: recorded expired (uncollected.ts). */
  private async expireUncollected(approval: ApprovalRequest): Promise<ApprovalRequest | undefined> {
    return expireUncollected(this.deps, approval).catch(() => undefined);
  }

  /** The stored masked result of a completed approval; its transcript's SHA-256 must match the recorded one. */
  private async storedResult(approval: ApprovalRequest): Promise<CallToolResult> {
    const result = approval.result;
    const stored = result ? await this.deps.transcripts.get(result.transcriptKey).catch(() => undefined) : undefined;
    const response = stored?.transcript.response;
    if (!result || !stored || stored.sha256 !== result.transcriptSha256 || !response || typeof response !== 'object') {
      throw new McpRpcError(MCP_ERRORS.internalError, 'The approved result could not be read back intact, so it is not served.');
    }
    return response as CallToolResult;
  }

  private timings(receivedAt: number) {
    const ms = this.deps.clock.monotonic() - receivedAt;
    return { overheadMs: ms, totalMs: ms };
  }
}

/** Whether a retry gets this approval's outcome rather than a new approval (as for chat re-sends); a call being executed always does. */
function stillApplies(approval: ApprovalRequest, now: number): boolean {
  return approval.status === 'executing' || outcomeStillApplies(approval, now);
}

function stillWaiting(approval: ApprovalRequest, now: number): boolean {
  return (approval.status === 'pending' && now < Date.parse(approval.decideBy)) || approval.status === 'executing';
}

function asSeenAt(approval: ApprovalRequest, now: number): ApprovalRequest {
  return approval.status === 'pending' && now >= Date.parse(approval.decideBy) ? { ...approval, status: 'expired', errorCode: 'approval_expired' } : approval;
}

/** What the parsed commands do, for the approver: "DROP TABLE customers on db". */
function commandEffects(call: ReviewedToolCall, upstream: string): string[] {
  return call.risk.reasons
    .filter((r) => r.id.startsWith('command.') && !r.id.endsWith('.unparsed') && r.message.startsWith('command effect: '))
    .map((r) => `${r.message.slice('command effect: '.length)} on ${upstream}`);
}

function upstreamCode(err: unknown): number {
  if (err instanceof McpUpstreamError) {
    if (err.kind === 'timeout') return MCP_ERRORS.upstreamTimeout;
    if (err.kind === 'unavailable') return MCP_ERRORS.upstreamUnavailable;
    return err.upstreamCode ?? MCP_ERRORS.internalError;
  }
  return MCP_ERRORS.internalError;
}

async function records<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch {
    throw new McpRpcError(MCP_ERRORS.recordUnavailable, 'The approval records could not be reached; nothing was sent. Try again shortly.');
  }
}
