import type { ApprovalLinkSigner } from '../../auth/approval-link';
import type { AirlockLogger } from '../../shared/logger';
import type { ToolChangeSubject } from '../../store/approval-subject';
import type { ApprovalRequest, ApprovalStore, TaskTokenStore } from '../../store/approval-types';
import type { Clock } from '../ports';
import { APPROVAL_ID } from './approval-record';
import type { ApprovalMessage, ApproverNotifier } from './ports';
import { WorkflowError } from './workflow-error';

export interface NotifyDeps {
  approvals: ApprovalStore;
  tokens: TaskTokenStore;
  notifier: ApproverNotifier;
  links: ApprovalLinkSigner;
  /** Where approvers reach the approval pages (the gateway's public base URL). */
  publicBaseUrl: string;
  logger: AirlockLogger;
  clock: Clock;
}

export interface NotifyInput {
  approvalId: string;
  taskToken: string;
}

/** How long a token item outlives the decision deadline before TTL deletes it. */
const TOKEN_RETENTION_MS = 24 * 3600_000;
const MAIL_EXCERPT_CHARS = 1500;

/**
 * The RequestApproval step: keeps the task token server-side under the approval id (it is in no
 * URL, no message, no log) and sends the approvers a message with a signed link to the page.
 */
export async function notifyApprovers(deps: NotifyDeps, input: NotifyInput): Promise<void> {
  if (!APPROVAL_ID.test(String(input?.approvalId)) || typeof input.taskToken !== 'string' || !input.taskToken || input.taskToken.length > 8192) {
    throw new WorkflowError('Airlock.InvalidInput', 'notify needs an approval id and a task token');
  }
  const approval = await recordsCall(() => deps.approvals.get(input.approvalId));
  if (!approval) throw new WorkflowError('Airlock.ApprovalMissing', 'the approval does not exist');
  if (approval.status !== 'pending') throw new WorkflowError('Airlock.NotPending', `the approval is ${approval.status}`);

  const decideBy = Date.parse(approval.decideBy);
  await recordsCall(() => deps.tokens.put(approval.id, input.taskToken, new Date(decideBy + TOKEN_RETENTION_MS)));
  const link = deps.links.link(deps.publicBaseUrl, approval.id, Math.floor(decideBy / 1000));
  try {
    await deps.notifier.publish(approvalMessage(approval, link));
  } catch {
    throw new WorkflowError('Airlock.NotifyUnavailable', 'the approvers could not be notified');
  }
  await deps.approvals.transition(approval.id, ['pending'], { notifiedAt: new Date(deps.clock.now()).toISOString() }).catch(() => false);
  deps.logger.info('approvers notified', { approvalId: approval.id, sessionId: approval.sessionId, approversGroup: approval.approversGroup });
}

/** The approvers' message: who asks, through which client, for which model, why, and the masked prompt. */
export function approvalMessage(approval: ApprovalRequest, link: string): ApprovalMessage {
  if (approval.subject?.kind === 'tool-change') return toolChangeMessage(approval, approval.subject, link);
  const who = approval.principal.email ? `${approval.principal.email} (${approval.principal.sub})` : approval.principal.sub;
  const excerpt =
    approval.promptExcerpt.length > MAIL_EXCERPT_CHARS ? `${approval.promptExcerpt.slice(0, MAIL_EXCERPT_CHARS)} …` : approval.promptExcerpt;
  const subject = approval.subject?.kind === 'mcp_tool_call' ? approval.subject : undefined;
  const text = [
    `A ${subject ? 'tool call' : 'prompt'} sent through Airlock needs approval by a member of '${approval.approversGroup}'.`,
    '',
    `Requested by:  ${who}`,
    `Issuer:        ${approval.principal.issuer}`,
    `Client:        ${approval.principal.clientId ?? '(none)'}`,
    ...(subject
      ? [`Upstream:      ${subject.upstream}`, `Tool:          ${subject.tool}`, ...subject.effects.map((e) => `Effect:        ${e}`)]
      : [`Model:         ${approval.model}`]),
    `Risk score:    ${approval.risk.score} / 100`,
    `Requested at:  ${approval.createdAt}`,
    `Decide by:     ${approval.decideBy}`,
    '',
    'Reasons:',
    ...(approval.risk.reasons.length ? approval.risk.reasons.map((r) => `  - ${r.message} (+${r.points}, ${r.id})`) : ['  - (none given)']),
    '',
    subject ? 'Arguments (secrets and personal data masked), excerpt:' : 'Prompt (secrets and personal data masked), excerpt:',
    ...excerpt.split('\n').map((line) => `  | ${line}`),
    '',
    'Review it and approve or deny (you will be asked to sign in; opening the link alone changes nothing):',
    link,
    '',
    `Request ${approval.id} · session ${approval.sessionId}`,
  ].join('\n');
  return { approvalId: approval.id, subject: mailSubject(approval), text, link };
}

/** A tool change: which tool of which upstream, why it is held, a link to compare the definitions. */
function toolChangeMessage(approval: ApprovalRequest, subject: ToolChangeSubject, link: string): ApprovalMessage {
  const name = `${subject.upstream}.${subject.tool}`;
  const text = [
    `An MCP tool ${subject.change === 'added' ? 'new to' : 'changed by'} upstream "${subject.upstream}" is held until a member of '${approval.approversGroup}' approves it.`,
    '',
    `Tool:          ${name}`,
    `Change:        ${subject.change === 'added' ? 'new tool' : 'definition changed'}`,
    `Fingerprint:   ${subject.fingerprint}`,
    `Seen at:       ${approval.createdAt}`,
    `Decide by:     ${approval.decideBy}`,
    '',
    'Reasons:',
    ...approval.risk.reasons.map((r) => `  - ${r.message} (${r.id})`),
    '',
    'Compare the definitions and approve or deny (you will be asked to sign in; opening the link alone changes nothing):',
    link,
    '',
    `Request ${approval.id} · session ${approval.sessionId}`,
  ].join('\n');
  const subjectLine = `Airlock: approve a changed MCP tool ${name}`.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
  return { approvalId: approval.id, subject: subjectLine, text, link };
}

function mailSubject(approval: ApprovalRequest): string {
  const printable = (s: string) => s.replace(/[^\x20-\x7e]/g, '?');
  return printable(`Airlock: approve a ${approval.subject?.kind === 'mcp_tool_call' ? `tool call (${approval.model})` : 'prompt'} from ${approval.principal.email ?? approval.principal.sub} (risk ${approval.risk.score})`).slice(0, 100);
}

async function recordsCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch {
    throw new WorkflowError('Airlock.RecordUnavailable', 'the approval records could not be reached');
  }
}
