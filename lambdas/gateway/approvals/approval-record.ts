import { randomBytes } from 'node:crypto';
import type { Principal } from '../../auth/principal';
import type { ApprovalRequest } from '../../store/approval-types';
import type { ApprovalRecord } from '../../store/types';

/**
 * What every approval step shares about an approval's identity and its mark on the session record,
 * kept apart from the approval gate (which reaches the chat APIs and the inspector) so the steps
 * that never inspect do not bundle it.
 */
export const APPROVAL_ID = /^[A-Za-z0-9_-]{10,64}$/;

/** A pending approval whose deadline passed is treated as expired, even before the workflow records it. */
const PENDING_GRACE_MS = 5 * 60_000;

export function randomApprovalId(): string {
  return randomBytes(16).toString('base64url');
}

/** Whether the approval is the caller's own: only the principal who asked may collect it. */
export function isRequestedBy(approval: ApprovalRequest, principal: Pick<Principal, 'issuer' | 'sub'>): boolean {
  return approval.principal.issuer === principal.issuer && approval.principal.sub === principal.sub;
}

/** Whether a re-send of the same request gets this approval's outcome rather than a new approval. */
export function outcomeStillApplies(approval: ApprovalRequest, now: number): boolean {
  if (approval.status === 'pending') return now < Date.parse(approval.decideBy) + PENDING_GRACE_MS;
  return now < Date.parse(approval.reuseUntil);
}

/** The approval as the held session's record shows it: who decided what, when; an expiry once the deadline passed. */
export function sessionApproval(approval: ApprovalRequest): ApprovalRecord | undefined {
  if (approval.decision) {
    const { approver, decision, reason, decidedAt } = approval.decision;
    return { approver: approver.email ?? approver.sub, decision, decidedAt, ...(reason ? { reason } : {}) };
  }
  if (approval.status === 'expired') return { decision: 'expired', decidedAt: approval.decideBy };
  return undefined;
}

/** The fields every new approval starts with, whatever it holds: ids, the pending status, its deadline and who asked. */
export function pendingApprovalFields(a: {
  id: string;
  session: { id: string; createdAt: string };
  requestHash: string;
  now: number;
  timeoutSeconds: number;
  principal: Principal;
}): Pick<ApprovalRequest, 'id' | 'sessionId' | 'sessionCreatedAt' | 'requestHash' | 'status' | 'createdAt' | 'updatedAt' | 'decideBy' | 'reuseUntil' | 'principal'> {
  const { issuer, sub, email, groups, clientId } = a.principal;
  const decideBy = new Date(a.now + a.timeoutSeconds * 1000).toISOString();
  return {
    id: a.id,
    sessionId: a.session.id,
    sessionCreatedAt: a.session.createdAt,
    requestHash: a.requestHash,
    status: 'pending',
    createdAt: new Date(a.now).toISOString(),
    updatedAt: new Date(a.now).toISOString(),
    decideBy,
    reuseUntil: decideBy,
    principal: { issuer, sub, groups, ...(email ? { email } : {}), ...(clientId ? { clientId } : {}) },
  };
}
