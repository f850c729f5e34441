import { AirlockError, notFound, recordUnavailable } from '../../shared/errors';
import { errorForLog } from '../../shared/logger';
import type { ApprovalRequest, ApprovalStatus } from '../../store/approval-types';
import type { SessionStatus } from '../../store/types';
import type { ChatApi } from '../chat-api';
import { airlockHeaders, sendJson, SSE_HEADERS, type GatewayRequest, type ResponseSink } from '../http';
import type { ApprovalGate, ReviewContext } from '../ports';
import { errorForStatus } from './approval-errors';
import { APPROVAL_ID, isRequestedBy, outcomeStillApplies, pendingApprovalFields, randomApprovalId, sessionApproval } from './approval-record';
import { answerAsEvents, approvedAnswer } from './approved-answer';
import { requestedWaitSeconds, waitForOutcome } from './outcome-wait';
import type { ApprovalRecordsDeps, ApprovalWorkflow } from './ports';
import { promptExcerpt } from './prompt-excerpt';
import { requestHash } from './request-hash';
import { reviewConversation, triggerExcerpts } from './trigger-excerpts';

export interface ApprovalGateOptions extends ApprovalRecordsDeps {
  workflow: ApprovalWorkflow;
  /** The gateway's public base URL (without `/v1`), for `status_url`. Unset: taken from the Host header. */
  publicBaseUrl?: string;
  newApprovalId?: () => string;
  /** Members read every held request's status. Default `auditors`. */
  auditorsGroup?: string;
  /** First poll interval of a long-poll. */
  pollMs?: number;
}


/**
 * The approval gate behind the proxy: holds a prompt the inspection sent to review (records it,
 * starts the workflow, answers `approval_pending`), answers a re-send of the same request from the
 * same caller with that approval's outcome, and serves `GET /v1/airlock/requests/{id}`.
 */
export class ApprovalService implements ApprovalGate {
  constructor(private readonly deps: ApprovalGateOptions) {}

  async handleReview(ctx: ReviewContext, sink: ResponseSink): Promise<void> {
    const { deps } = this;
    const { api } = ctx;
    const hash = requestHash(ctx.principal, ctx.inspection.body);
    const latest = await storeCall(() => deps.approvals.findLatestByHash(hash));
    // A held request is answered in the format it was held in: only a re-send in that format reuses it.
    const resent = latest && latest.format === api.format && isRequestedBy(latest, ctx.principal) && outcomeStillApplies(latest, deps.clock.now()) ? latest : undefined;
    // Collecting an approved answer spends no tokens (they were counted when it was made): only the request rate applies.
    await ctx.admit({ budgets: resent?.status !== 'completed' });
    let approval = resent ?? (await this.hold(ctx, api, hash));

    ctx.meta.overheadMs = deps.clock.monotonic() - ctx.req.receivedAt;
    const waitSeconds = requestedWaitSeconds(ctx.req.headers);
    if (waitSeconds > 0) approval = await waitForOutcome(deps.approvals, approval, waitSeconds, sink.signal, deps.clock.now, deps.pollMs);
    approval = asSeenAt(approval, deps.clock.now());
    await this.answer(ctx, api, sink, approval, resent !== undefined);
  }

  async requestStatus(req: GatewayRequest, sink: ResponseSink, requestId: string): Promise<void> {
    const { deps } = this;
    const principal = req.principal!;
    let approval = APPROVAL_ID.test(requestId) ? await storeCall(() => deps.approvals.get(requestId)) : undefined;
    const auditor = principal.groups.includes(deps.auditorsGroup ?? 'auditors');
    // Someone else's request is "not found", so ids cannot be probed.
    if (!approval || !(auditor || isRequestedBy(approval, principal))) throw notFound('The approval request');
    const waitSeconds = requestedWaitSeconds(req.headers);
    if (waitSeconds > 0) approval = await waitForOutcome(deps.approvals, approval, waitSeconds, sink.signal, deps.clock.now, deps.pollMs);
    approval = asSeenAt(approval, deps.clock.now());
    const completion = approval.status === 'completed' ? await approvedAnswer(deps.transcripts, approval) : null;
    await sendJson(sink, 200, statusView(approval, completion, this.statusUrl(req, approval.id)));
  }

  /** Records the held request (masked, fail closed), creates the approval and starts the workflow. */
  private async hold(ctx: ReviewContext, api: ChatApi, hash: string): Promise<ApprovalRequest> {
    const { deps } = this;
    const now = deps.clock.now();
    const { approval: rules } = ctx.groupPolicy;
    const record = await ctx.recorder.finish(
      { status: 'pending', httpStatus: 403, errorCode: 'approval_pending', timings: { overheadMs: deps.clock.monotonic() - ctx.req.receivedAt } },
      { request: ctx.inspection.body, error: { status: 403, code: 'approval_pending' } },
    );
    // The approved call sends exactly this transcript's request: without it there is nothing to hold.
    if (!record.transcriptKey || !record.transcriptSha256) throw recordUnavailable();

    const approval: ApprovalRequest = {
      ...pendingApprovalFields({
        id: (deps.newApprovalId ?? randomApprovalId)(),
        session: record,
        requestHash: hash,
        now,
        timeoutSeconds: rules.timeout_seconds,
        principal: ctx.principal,
      }),
      model: ctx.body.model,
      subject: { kind: 'chat' },
      format: api.format,
      stream: ctx.body.stream === true,
      risk: { score: ctx.inspection.risk.score, reasons: ctx.inspection.risk.reasons },
      findingCounts: ctx.inspection.findingCounts,
      approversGroup: rules.approvers_group,
      selfApproval: rules.self_approval,
      timeoutSeconds: rules.timeout_seconds,
      promptExcerpt: promptExcerpt(ctx.inspection.body),
      triggers: triggerExcerpts(ctx.inspection.body, ctx.inspection.risk.reasons),
      conversation: reviewConversation(ctx.inspection.body),
      requestKey: record.transcriptKey,
      requestSha256: record.transcriptSha256,
    };
    await storeCall(() => deps.approvals.create(approval));
    try {
      await deps.workflow.start({ approvalId: approval.id, timeoutSeconds: rules.timeout_seconds });
    } catch (err) {
      deps.logger.error('approval workflow could not be started', { sessionId: record.id, approvalId: approval.id, error: errorForLog(err) });
      await deps.approvals.transition(approval.id, ['pending'], { status: 'failed', errorCode: 'workflow_unavailable', reuseUntil: new Date(now).toISOString() }).catch(() => false);
      throw new AirlockError('approval_unavailable', 'The approval workflow could not be started, so the prompt was not sent.');
    }
    deps.logger.info('prompt held for approval', { sessionId: record.id, approvalId: approval.id, riskScore: approval.risk.score, approversGroup: approval.approversGroup });
    return approval;
  }

  private async answer(ctx: ReviewContext, api: ChatApi, sink: ResponseSink, approval: ApprovalRequest, resent: boolean): Promise<void> {
    const { deps } = this;
    const headers = { ...airlockHeaders(ctx.meta), 'x-airlock-request-id': approval.id };
    const timings = { overheadMs: ctx.meta.overheadMs, totalMs: deps.clock.monotonic() - ctx.req.receivedAt };
    const approvalRecord = sessionApproval(approval);

    if (approval.status === 'completed') {
      const answer = await approvedAnswer(deps.transcripts, approval);
      const forCaller = restoreStrings(answer, ctx.inspection.restore) as Record<string, unknown>;
      if (ctx.body.stream === true) {
        sink.start(200, { ...SSE_HEADERS, ...headers });
        for (const event of answerAsEvents(api.format, forCaller)) await sink.write(api.frame(event));
        if (api.terminator) await sink.write(api.terminator);
        await sink.end();
      } else {
        await sendJson(sink, 200, forCaller, headers);
      }
      if (resent) {
        await ctx.recorder.finish(
          // No usage: the answer's tokens and cost are the held session's, counted once.
          { status: 'completed', httpStatus: 200, ...(approvalRecord ? { approval: approvalRecord } : {}), timings },
          { request: ctx.inspection.body, response: answer },
        );
      } else {
        // The workflow already completed this session's record; only what the caller got changes.
        await deps.sessions.update(ctx.recorder.id, { httpStatus: 200 }).catch(() => false);
      }
      deps.logger.info('approved answer served', { sessionId: ctx.recorder.id, approvalId: approval.id, resent });
      return;
    }

    const err = errorForStatus(approval, this.statusUrl(ctx.req, approval.id))!;
    await sendJson(sink, err.status, api.errorBody(err), { ...err.headers, ...headers });
    if (resent) {
      await ctx.recorder.finish(
        { status: resentSessionStatus(approval.status), httpStatus: err.status, errorCode: err.code, ...(approvalRecord ? { approval: approvalRecord } : {}), timings },
        { request: ctx.inspection.body, error: { status: err.status, code: err.code } },
      );
    }
    deps.logger.info('held request answered', { sessionId: ctx.recorder.id, approvalId: approval.id, status: approval.status, resent });
  }

  private statusUrl(req: GatewayRequest, id: string): string {
    const base = this.deps.publicBaseUrl ?? `${req.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`;
    return `${base.replace(/\/+$/, '')}/v1/airlock/requests/${id}`;
  }
}


function asSeenAt(approval: ApprovalRequest, now: number): ApprovalRequest {
  return approval.status === 'pending' && now >= Date.parse(approval.decideBy) ? { ...approval, status: 'expired' } : approval;
}

/** A re-send is its own session; one answered "still pending" is not another request in the approvers' queue. */
function resentSessionStatus(status: ApprovalStatus): SessionStatus {
  if (status === 'pending' || status === 'approved' || status === 'executing') return 'blocked';
  return status === 'completed' ? 'completed' : status;
}

function statusView(approval: ApprovalRequest, completion: unknown, statusUrl: string) {
  const decision = approval.decision;
  return {
    object: 'airlock.request',
    id: approval.id,
    status: approval.status,
    status_url: statusUrl,
    session_id: approval.sessionId,
    model: approval.model,
    created_at: approval.createdAt,
    decide_by: approval.decideBy,
    approvers_group: approval.approversGroup,
    risk: { score: approval.risk.score, reasons: approval.risk.reasons.map(({ id, message }) => ({ id, message })) },
    decision: decision
      ? { decision: decision.decision, approver: decision.approver.email ?? decision.approver.sub, reason: decision.reason ?? null, decided_at: decision.decidedAt }
      : null,
    completion,
    error: approval.status === 'failed' || approval.status === 'expired' ? { code: approval.errorCode ?? `approval_${approval.status}` } : null,
  };
}

async function storeCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw recordUnavailable(err);
  }
}

/** Applies the inspection's restore (reversible PII placeholders) to every string, for the caller only. */
function restoreStrings(value: unknown, restore: (s: string) => string): unknown {
  if (typeof value === 'string') return restore(value);
  if (Array.isArray(value)) return value.map((v) => restoreStrings(v, restore));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, restoreStrings(v, restore)]));
  return value;
}
