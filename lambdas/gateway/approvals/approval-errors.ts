import { AirlockError } from '../../shared/errors';
import type { ApprovalRequest } from '../../store/approval-types';

/**
 * What a caller is told about a held request. 403 for pending, denied and expired: SDKs do not
 * retry it (409, 429 and 5xx they would, silently re-sending the prompt).
 */
const details = (approval: ApprovalRequest, statusUrl: string) => ({
  request_id: approval.id,
  status_url: statusUrl,
  status: approval.status,
  decide_by: approval.decideBy,
});

export const approvalPending = (approval: ApprovalRequest, statusUrl: string) =>
  new AirlockError('approval_pending',
    approval.status === 'approved' || approval.status === 'executing'
      ? 'The prompt was approved and the answer is being prepared. Poll status_url, or re-send the same request to get the answer.'
      : `This prompt needs approval by a member of '${approval.approversGroup}'. Poll status_url (or run \`airlock wait ${approval.id}\`), or re-send the same request once it is approved.`,
    { details: details(approval, statusUrl) },
  );

export const approvalDenied = (approval: ApprovalRequest, statusUrl: string) =>
  new AirlockError('approval_denied', 'An approver denied this prompt; re-sending it will not change that.', {
    details: details(approval, statusUrl),
  });

export const approvalExpired = (approval: ApprovalRequest, statusUrl: string) =>
  new AirlockError('approval_expired', `Nobody decided on this prompt before ${approval.decideBy}, so it was not sent.`, {
    details: details(approval, statusUrl),
  });

export const approvalFailed = (approval: ApprovalRequest, statusUrl: string) =>
  new AirlockError('approval_failed', 'The prompt was approved, but the upstream call failed after retries.', {
    details: { ...details(approval, statusUrl), error_code: approval.errorCode ?? 'failed' },
  });

/** The error a held request's current status answers with (none when it is completed). */
export function errorForStatus(approval: ApprovalRequest, statusUrl: string): AirlockError | undefined {
  switch (approval.status) {
    case 'pending':
    case 'approved':
    case 'executing':
      return approvalPending(approval, statusUrl);
    case 'denied':
      return approvalDenied(approval, statusUrl);
    case 'expired':
      return approvalExpired(approval, statusUrl);
    case 'failed':
      return approvalFailed(approval, statusUrl);
    case 'completed':
      return undefined;
  }
}
