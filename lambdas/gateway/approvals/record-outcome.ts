import type { ApprovalRequest, ApprovalStatus, ApprovalUpdate } from '../../store/approval-types';
import type { SessionUpdate } from '../../store/types';
import { APPROVAL_ID, sessionApproval } from './approval-record';
import { publishApprovalEvent } from './approval-events';
import type { ApprovalRecordsDeps } from './ports';
import { expireUncollected } from './uncollected';
import { recordableErrorName, WorkflowError } from './workflow-error';

/** `uncollected`: the life of an approved MCP tool call ended before the gateway sent it (uncollected.ts). */
export type WorkflowOutcome = 'completed' | 'denied' | 'expired' | 'failed' | 'uncollected';

export interface OutcomeInput {
  approvalId: string;
  outcome: WorkflowOutcome;
  /** For `failed`: the error name the workflow caught (never its cause). */
  errorName?: string;
}

/** After a failure a re-send may ask again soon; other outcomes hold for the approval timeout. */
const FAILED_REUSE_MS = 5 * 60_000;

const FROM: Record<Exclude<WorkflowOutcome, 'uncollected'>, ApprovalStatus[]> = {
  completed: ['approved', 'completed'],
  denied: ['denied'],
  // A decision that lost the race against the timeout: the execution no longer waited for it.
  expired: ['pending', 'approved', 'denied', 'expired'],
  failed: ['pending', 'approved', 'failed'],
};

/**
 * The workflow's last step on every path: settles the approval and the held session's record.
 * The session is written first, so whoever sees the approval settled finds the session settled too.
 */
export async function recordOutcome(deps: ApprovalRecordsDeps, input: OutcomeInput): Promise<void> {
  if (!APPROVAL_ID.test(String(input?.approvalId)) || !(input.outcome in FROM || input.outcome === 'uncollected')) {
    throw new WorkflowError('Airlock.InvalidInput', 'record needs an approval id and an outcome');
  }
  const approval = await records(() => deps.approvals.get(input.approvalId));
  if (!approval) throw new WorkflowError('Airlock.ApprovalMissing', 'the approval does not exist');
  if (input.outcome === 'uncollected') {
    // Collected meanwhile (executing, completed, failed): nothing to record.
    await records(() => expireUncollected(deps, approval));
    return;
  }
  const outcome = input.outcome;
  const now = deps.clock.now();
  const at = new Date(now).toISOString();
  const reuseUntil = new Date(now + (outcome === 'failed' ? FAILED_REUSE_MS : approval.timeoutSeconds * 1000)).toISOString();

  const update: ApprovalUpdate = { status: outcome, reuseUntil, updatedAt: at };
  if (outcome === 'failed') update.errorCode = recordableErrorName(input.errorName);
  if (outcome === 'expired') update.errorCode = 'approval_expired';
  if (outcome === 'completed' && !approval.result) throw new WorkflowError('Airlock.NotApproved', 'the approval has no answer to record');

  const settled: ApprovalRequest = { ...approval, ...update };
  await records(() => deps.sessions.update(approval.sessionId, sessionUpdate(settled, outcome, at)));
  const written = await records(() => deps.approvals.transition(approval.id, FROM[outcome], update));
  if (!written) deps.logger.warn('approval outcome not applied', { approvalId: approval.id, outcome, status: approval.status });
  else await publishApprovalEvent(deps, settled, outcome);
  deps.logger.info('approval settled', { approvalId: approval.id, sessionId: approval.sessionId, outcome, ...(update.errorCode ? { code: update.errorCode } : {}) });
}

function sessionUpdate(approval: ApprovalRequest, outcome: keyof typeof FROM, at: string): SessionUpdate {
  const base: SessionUpdate = { status: outcome, updatedAt: at };
  if (outcome === 'expired') return { ...base, errorCode: 'approval_expired', approval: { decision: 'expired', decidedAt: at } };
  const approvalRecord = sessionApproval(approval);
  if (approvalRecord) base.approval = approvalRecord;
  if (outcome === 'failed') return { ...base, errorCode: approval.errorCode ?? 'unknown' };
  if (outcome === 'completed' && approval.result) {
    const { transcriptKey, transcriptSha256, usage, costUsd, findingCounts } = approval.result;
    return { ...base, transcriptKey, transcriptSha256, findingCounts, ...(usage ? { usage } : {}), ...(costUsd !== undefined ? { costUsd } : {}) };
  }
  return base;
}

async function records<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch {
    throw new WorkflowError('Airlock.RecordUnavailable', 'the approval records could not be reached');
  }
}
