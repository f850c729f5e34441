import type { ApprovalRequest } from '../../store/approval-types';
import { sessionApproval } from './approval-record';
import { publishApprovalEvent } from './approval-events';
import type { ApprovalRecordsDeps } from './ports';

export const NOT_COLLECTED = 'approval_not_collected';

/** How long a retry of an expired, uncollected call is told so before the same call asks for a new approval. */
export const UNCOLLECTED_REUSE_MS = 5 * 60_000;

/**
 * An approved MCP tool call nobody collected (sent) within its approval's life is never sent:
 * the approval goes `approved` → `expired` (`approval_not_collected`) with one conditional write,
 * so a collection that claimed it first (`executing`) wins, and the held session follows. Run by the
 * workflow when the approval's life ends and by the gateway when a late collection finds it.
 * Idempotent: a repeat finds the approval expired and completes the session only.
 * Returns the expired approval, or undefined when it was not (or no longer) approved.
 */
export async function expireUncollected(deps: Pick<ApprovalRecordsDeps, 'approvals' | 'sessions' | 'clock' | 'logger' | 'approvalEvents'>, approval: ApprovalRequest): Promise<ApprovalRequest | undefined> {
  const now = deps.clock.now();
  const at = new Date(now).toISOString();
  let settled: ApprovalRequest;
  if (approval.status === 'approved') {
    const update = { status: 'expired' as const, errorCode: NOT_COLLECTED, updatedAt: at, reuseUntil: new Date(now + UNCOLLECTED_REUSE_MS).toISOString() };
    if (!(await deps.approvals.transition(approval.id, ['approved'], update))) return undefined;
    settled = { ...approval, ...update };
    await publishApprovalEvent(deps, settled, 'expired');
  } else if (approval.status === 'expired' && approval.errorCode === NOT_COLLECTED) {
    settled = approval;
  } else {
    return undefined;
  }
  const approvalRecord = sessionApproval(settled);
  // Conditional: the held session may have moved on (a late collection recorded it); never roll that back.
  await deps.sessions.update(
    approval.sessionId,
    { status: 'expired', errorCode: NOT_COLLECTED, updatedAt: at, ...(approvalRecord ? { approval: approvalRecord } : {}) },
    ['approved', 'pending'],
  );
  deps.logger.info('approved call not collected: expired', { approvalId: approval.id, sessionId: approval.sessionId });
  return settled;
}
