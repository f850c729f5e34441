import type { ApprovalRequest } from '../../store/approval-types';
import type { ApprovalRecord } from '../../store/types';

/**
 * What every approval step shares about an approval's identity and its mark on the session record,
 * kept apart from the approval gate (which reaches the chat APIs and the inspector) so the steps
 * that never inspect do not bundle it.
 */
export const APPROVAL_ID = /^[A-Za-z0-9_-]{10,64}$/;

/** The approval as the held session's record shows it: who decided what, when; an expiry once the deadline passed. */
export function sessionApproval(approval: ApprovalRequest): ApprovalRecord | undefined {
  if (approval.decision) {
    const { approver, decision, reason, decidedAt } = approval.decision;
    return { approver: approver.email ?? approver.sub, decision, decidedAt, ...(reason ? { reason } : {}) };
  }
  if (approval.status === 'expired') return { decision: 'expired', decidedAt: approval.decideBy };
  return undefined;
}
