import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ApprovalRequest, ApprovalStatus } from '../../store/approval-types';
import type { SessionStatus } from '../../store/types';

/** The gateway's own tool that waits for a held call's outcome. */
export const WAIT_TOOL = 'airlock.wait_for_approval';

/**
 * What an agent is told about its held tool call, by the approval's status: texts it can read and
 * act on (who denied and why, when a new approval can be asked for, how to collect the result).
 */
/** A retry or a wait is its own session; one answered "still pending" is not another request in the approvers' queue. */
export function ownSessionStatus(status: ApprovalStatus): SessionStatus {
  if (status === 'pending' || status === 'approved' || status === 'executing') return 'blocked';
  return status;
}

export function errorCodeOf(approval: ApprovalRequest): string | undefined {
  switch (approval.status) {
    case 'completed':
      return undefined;
    case 'denied':
      return 'approval_denied';
    case 'expired':
      return approval.errorCode ?? 'approval_expired';
    case 'failed':
      return approval.errorCode ?? 'approval_failed';
    default:
      return 'approval_pending';
  }
}

export function statusText(approval: ApprovalRequest, statusUrl: string): string {
  const id = approval.id;
  const retry = `Call the same tool with the same arguments again, or call ${WAIT_TOOL} with request_id "${id}", to get its result once approved.`;
  switch (approval.status) {
    case 'approved':
    case 'executing':
      return [`This tool call (request ${id}) was approved and is being sent now.`, retry, `Status: ${statusUrl}`].join('\n');
    case 'denied': {
      const d = approval.decision;
      return [
        `An approver${d ? ` (${d.approver.email ?? d.approver.sub})` : ''} denied this tool call (request ${id}); it was not sent. Calling it again will not change that; change the call or ask the approvers.`,
        ...(d?.reason ? [`Reason: ${d.reason}`] : []),
      ].join('\n');
    }
    case 'expired':
      return approval.errorCode === 'approval_not_collected'
        ? `This tool call (request ${id}) was approved but not collected before its approval ran out, so it was not sent. Calling it again after ${approval.reuseUntil} asks for a new approval.`
        : `Nobody decided on this tool call (request ${id}) before ${approval.decideBy}, so it was not sent. Calling it again after ${approval.reuseUntil} asks for a new approval.`;
    case 'failed':
      return `This tool call (request ${id}) could not be completed (${approval.errorCode ?? 'failed'}); it was not retried. Calling it again after ${approval.reuseUntil} asks for a new approval.`;
    default:
      return [
        `This tool call awaits approval by a member of '${approval.approversGroup}'; it has not been sent.`,
        `Request id: ${id}`,
        `Decide by: ${approval.decideBy}`,
        `Status: ${statusUrl}`,
        retry,
        ...approval.risk.reasons.map((r) => `- ${r.message}`),
      ].join('\n');
  }
}

export function errorResult(text: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text }] };
}
