import type { ApprovalRequest } from '../../store/approval-types';
import type { ApprovalRecordsDeps } from './ports';
import { WorkflowError } from './workflow-error';

/**
 * The InvokeUpstream step for a tool-change approval: nothing is sent anywhere. The approval's
 * result is the held change's own transcript (checked against its hash), so RecordCompleted
 * settles it; the MCP gateway accepts the tool at its next listing or call.
 */
export async function settleToolChange(deps: ApprovalRecordsDeps, approval: ApprovalRequest): Promise<{ transcriptSha256: string }> {
  const held = await deps.transcripts.get(approval.requestKey).catch(() => {
    throw new WorkflowError('Airlock.RecordUnavailable', 'the approval records could not be reached');
  });
  if (!held || held.sha256 !== approval.requestSha256) throw new WorkflowError('Airlock.RequestIntegrity', 'the held tool change does not match its recorded hash');
  const written = await deps.approvals
    .transition(approval.id, ['approved'], {
      result: { transcriptKey: approval.requestKey, transcriptSha256: approval.requestSha256, findingCounts: {}, finishedAt: new Date(deps.clock.now()).toISOString() },
    })
    .catch(() => {
      throw new WorkflowError('Airlock.RecordUnavailable', 'the approval records could not be reached');
    });
  if (!written) throw new WorkflowError('Airlock.NotApproved', 'the tool-change approval is no longer approved');
  deps.logger.info('tool change approved', { approvalId: approval.id, sessionId: approval.sessionId });
  return { transcriptSha256: approval.requestSha256 };
}
