import { errorForLog, type AirlockLogger } from '../../shared/logger';
import type { ApprovalRequest } from '../../store/approval-types';

/** What happened to an approval: an approver decided, or the workflow settled it. */
export type ApprovalEventKind = 'decided' | 'completed' | 'denied' | 'expired' | 'failed';

/** Publishes approval outcomes (metadata only: who decided, never the reason text or the prompt) for SIEMs. */
export interface ApprovalEventPublisher {
  publish(approval: ApprovalRequest, kind: ApprovalEventKind): Promise<void>;
}

/**
 * Publishes and never throws: the decision or outcome is already recorded, so a bus failure is
 * logged (an alarm counts errors) rather than undoing it.
 */
export async function publishApprovalEvent(
  deps: { approvalEvents?: ApprovalEventPublisher; logger: AirlockLogger },
  approval: ApprovalRequest,
  kind: ApprovalEventKind,
): Promise<void> {
  if (!deps.approvalEvents) return;
  try {
    await deps.approvalEvents.publish(approval, kind);
  } catch (err) {
    deps.logger.error('approval event could not be published', { approvalId: approval.id, kind, error: errorForLog(err) });
  }
}
