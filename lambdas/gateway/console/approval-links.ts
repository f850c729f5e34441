import type { ApprovalLinkSigner } from '../../auth/approval-link';
import type { ApprovalStore } from '../../store/approval-types';
import type { SessionRecord } from '../../store/types';
import type { AuditDeps } from '../audit/audit-deps';
import { readCheckedTranscript } from '../audit/transcript-integrity';
import { requestHash } from '../approvals/request-hash';

/**
 * The signed decision-page link for a held session, minted server-side for an approver who is
 * already signed in (the page still checks the approver like any mailed link). A session item
 * does not name its approval, so the approval is found the way a re-send finds it: by the hash of
 * the caller and the masked request in the session's verified transcript. Undefined when the
 * transcript does not verify or the approval is not (yet) there.
 */
export async function decisionLink(
  deps: { audit: AuditDeps; approvals: ApprovalStore; links: ApprovalLinkSigner },
  basePath: string,
  sessionId: string,
): Promise<string | undefined> {
  const record: SessionRecord | undefined = await deps.audit.sessions.get(sessionId);
  if (!record || record.status !== 'pending') return undefined;
  const checked = await readCheckedTranscript(deps.audit.transcripts, record);
  if (checked.integrity !== 'verified' || !checked.transcript) return undefined;
  const approval = await deps.approvals.findLatestByHash(requestHash(record.principal, checked.transcript.request));
  if (!approval || approval.sessionId !== record.id || approval.status !== 'pending') return undefined;
  return deps.links.link(basePath, approval.id, Math.floor(Date.parse(approval.decideBy) / 1000));
}
