import type { ApprovalLinkSigner } from '../auth/approval-link';
import type { AirlockLogger } from '../shared/logger';
import type { ApprovalStore, TaskTokenStore } from '../store/approval-types';
import { notifyApprovers, type NotifyInput } from './approvals/notify-approvers';
import type { ApprovalRecordsDeps, ApproverNotifier } from './approvals/ports';
import { recordOutcome, type OutcomeInput } from './approvals/record-outcome';
import type { Clock } from './ports';

/**
 * The composition root's part for the approval workflow's steps that never inspect (a bundle
 * boundary: the notify and record functions carry neither the pages nor the inspection engine).
 * The InvokeUpstream step masks the approved answer and is composed in compose.ts.
 */

/** The RequestApproval step: keeps the task token, mails the approvers. */
export function composeNotifyStep(a: {
  approvals: ApprovalStore;
  tokens: TaskTokenStore;
  notifier: ApproverNotifier;
  links: ApprovalLinkSigner;
  /** Read at each notification: locally the base URL is known only once the server listens. */
  publicBaseUrl: () => string;
  logger: AirlockLogger;
  clock: Clock;
}): (input: NotifyInput) => Promise<void> {
  return (input) => notifyApprovers({ ...a, publicBaseUrl: a.publicBaseUrl() }, input);
}

/** The Record* steps: settle the approval and the held session's record. */
export function composeRecordStep(a: ApprovalRecordsDeps): (input: OutcomeInput) => Promise<void> {
  return (input) => recordOutcome(a, input);
}
