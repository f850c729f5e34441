import type { ApprovalLinkSigner } from '../../auth/approval-link';
import { principalKey, type Principal } from '../../auth/principal';
import type { TokenVerifier } from '../../auth/verifier';
import { errorForLog, type AirlockLogger } from '../../shared/logger';
import type { ApprovalRequest, ApprovalStore, TaskTokenStore } from '../../store/approval-types';
import type { SessionStore } from '../../store/types';
import type { GatewayRequest, ResponseSink } from '../http';
import type { Clock } from '../ports';
import { APPROVAL_ID, sessionApproval } from './approval-record';
import { publishApprovalEvent, type ApprovalEventPublisher } from './approval-events';
import { confirmationPage, decidedPage, HTML_HEADERS, messagePage, reviewPage, signInPage, transcriptHref } from './approval-html';
import { APPROVER_COOKIE, readCookie } from './approver-cookie';
import { DENIED_ERROR, TaskNoLongerWaiting, type TaskResults } from './ports';

export interface ApprovalPagesDeps {
  approvals: ApprovalStore;
  links: ApprovalLinkSigner;
  /** Verifies the approver's token from the cookie (Cognito / the configured OIDC issuer / the dev issuer). */
  approvers: TokenVerifier;
  /** Where "Sign in" goes; the sign-in returns to `returnPath` (a path below the public base URL). */
  signInUrl(returnPath: string): string;
  logger: AirlockLogger;
  clock: Clock;
  /** Present where decisions are taken (the decide function, the local runtime); absent on the read-only page function. */
  decisions?: DecisionDeps;
  /** Each decision is published (who decided what, never the reason text). Unset: nothing is published. */
  approvalEvents?: ApprovalEventPublisher;
}

export interface DecisionDeps {
  tokens: TaskTokenStore;
  tasks: TaskResults;
  sessions: SessionStore;
  /** Masks the approver's note with the requester's inspector before it is recorded. */
  maskReason(approval: ApprovalRequest, reason: string): string;
}

export type PageHandler = (req: GatewayRequest, sink: ResponseSink) => Promise<void>;

const MAX_REASON_CHARS = 500;

/**
 * `GET /approvals/{id}` (read-only: mail scanners open links) and `POST /approvals/{id}` (the
 * decision). Both need a valid, unexpired link signature and a signed-in member of the approvers
 * group who is not the requester (unless the policy allows self-approval); the POST also needs
 * the CSRF token issued to that approver for that approval, and the first decision wins.
 */
export function approvalPages(deps: ApprovalPagesDeps, extra: Record<string, PageHandler> = {}): PageHandler {
  return async (req, sink) => {
    try {
      const path = req.path.replace(/\/+$/, '');
      const special = extra[`${req.method.toUpperCase()} ${path}`];
      if (special) return await special(req, sink);
      const match = /^\/approvals\/([^/]+)$/.exec(path);
      if (!match) return await html(sink, 404, messagePage('Not found', 'There is no such page.', 'bad'));
      if (req.method === 'GET' || req.method === 'HEAD') return await showApproval(deps, req, sink, match[1]!);
      if (req.method === 'POST') {
        if (!deps.decisions) return await html(sink, 405, messagePage('Not allowed', 'Decisions are not taken here.', 'bad'));
        return await decide(deps, deps.decisions, req, sink, match[1]!);
      }
      await html(sink, 405, messagePage('Not allowed', 'This page only answers GET and POST.', 'bad'), { allow: 'GET, POST' });
    } catch (err) {
      deps.logger.error('approval page failed', { error: errorForLog(err) });
      if (!sink.started) await html(sink, 503, messagePage('Try again', 'The approval service could not answer just now. Nothing was changed; try again in a moment.', 'bad'));
      else await sink.end().catch(() => undefined);
    }
  };
}

interface Authorized {
  approval: ApprovalRequest;
  approver: Principal;
}

/** The checks both methods share; answers the refusal itself and returns undefined when refused. */
export async function authorize(deps: ApprovalPagesDeps, req: GatewayRequest, sink: ResponseSink, rawId: string): Promise<Authorized | undefined> {
  const id = safeDecode(rawId);
  const link = id && APPROVAL_ID.test(id) ? deps.links.verifyLink(id, req.query.exp, req.query.sig, deps.clock.now()) : 'invalid';
  if (link === 'invalid') {
    await html(sink, 403, messagePage('Link not valid', 'This approval link is not valid. Open the link exactly as it was sent to you.', 'bad'));
    return undefined;
  }
  if (link === 'expired') {
    await html(sink, 410, messagePage('Link expired', 'The time to decide on this request has passed; it was not sent to the model.', 'bad'));
    return undefined;
  }
  const approver = await signedInApprover(deps, req);
  if (!approver) {
    const returnPath = `/approvals/${encodeURIComponent(id!)}?exp=${encodeURIComponent(req.query.exp!)}&sig=${encodeURIComponent(req.query.sig!)}`;
    await html(sink, 401, signInPage(deps.signInUrl(returnPath)));
    return undefined;
  }
  const approval = await deps.approvals.get(id!);
  if (!approval) {
    await html(sink, 404, messagePage('Not found', 'This approval request no longer exists.', 'bad'));
    return undefined;
  }
  const who = approver.email ?? approver.sub;
  if (!approver.groups.includes(approval.approversGroup)) {
    deps.logger.warn('approval refused: not an approver', { approvalId: approval.id, approver: approver.sub });
    await html(sink, 403, messagePage('Not an approver', `Only members of '${approval.approversGroup}' can see and decide on this request. You are signed in as ${who}.`, 'bad'));
    return undefined;
  }
  if (principalKey(approver) === principalKey(approval.principal) && !approval.selfApproval) {
    deps.logger.warn('approval refused: self-approval', { approvalId: approval.id, approver: approver.sub });
    await html(sink, 403, messagePage('Not your own request', 'You cannot approve your own request: another member of the approvers group must decide.', 'bad'));
    return undefined;
  }
  return { approval, approver };
}

async function showApproval(deps: ApprovalPagesDeps, req: GatewayRequest, sink: ResponseSink, rawId: string): Promise<void> {
  const ok = await authorize(deps, req, sink, rawId);
  if (!ok) return;
  const { approval, approver } = ok;
  if (approval.status !== 'pending' || deps.clock.now() >= Date.parse(approval.decideBy)) {
    return html(sink, 200, decidedPage(approval.status === 'pending' ? { ...approval, status: 'expired' } : approval));
  }
  await html(sink, 200, reviewPage(approval, deps.links.csrfToken(approval.id, principalKey(approver)), approver.email ?? approver.sub, transcriptHref(approval.id, req.query)));
}

async function decide(deps: ApprovalPagesDeps, decisions: DecisionDeps, req: GatewayRequest, sink: ResponseSink, rawId: string): Promise<void> {
  const ok = await authorize(deps, req, sink, rawId);
  if (!ok) return;
  const { approval, approver } = ok;
  const now = deps.clock.now();
  if (approval.status !== 'pending' || now >= Date.parse(approval.decideBy)) return alreadyDecided(sink, approval, now);
  const form = new URLSearchParams((req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') ? req.body : '');
  if (!deps.links.verifyCsrf(approval.id, principalKey(approver), form.get('csrf') ?? undefined)) {
    return html(sink, 403, messagePage('Form not valid', 'This form was not issued to you for this request. Reload the page and decide again.', 'bad'));
  }
  const choice = form.get('decision');
  if (choice !== 'approve' && choice !== 'deny') return html(sink, 400, messagePage('No decision', 'Choose Approve or Deny.', 'bad'));
  const decision = choice === 'approve' ? 'approved' : 'denied';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is stripped from the note
  const rawReason = (form.get('reason') ?? '').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').trim().slice(0, MAX_REASON_CHARS);

  const at = new Date(now).toISOString();
  const taskToken = await decisions.tokens.get(approval.id);
  if (!taskToken) {
    return html(sink, 503, messagePage('Not ready yet', 'This request is still being set up. Nothing was changed; try again in a moment.', 'bad'));
  }
  const record = {
    approver: { issuer: approver.issuer, sub: approver.sub, ...(approver.email ? { email: approver.email } : {}) },
    decision,
    decidedAt: at,
    ...(rawReason ? { reason: decisions.maskReason(approval, rawReason) } : {}),
  } as const;
  const claimed = await deps.approvals.transition(
    approval.id,
    ['pending'],
    { status: decision, decision: record, reuseUntil: new Date(now + approval.timeoutSeconds * 1000).toISOString() },
    { undecidedAt: at },
  );
  if (!claimed) return alreadyDecided(sink, (await deps.approvals.get(approval.id)) ?? approval, now);

  try {
    if (decision === 'approved') await decisions.tasks.succeed(taskToken, { decision: 'approved' });
    // A denial resumes the execution with a failure that the state machine routes to RecordDenied.
    else await decisions.tasks.fail(taskToken, DENIED_ERROR, 'An approver denied the request.');
  } catch (err) {
    // Not delivered: give the decision back, so the approval is never left decided and never sent.
    await deps.approvals.transition(approval.id, [decision], { status: 'pending', reuseUntil: approval.reuseUntil }, { remove: ['decision'] }).catch(() => false);
    if (err instanceof TaskNoLongerWaiting) {
      // Past the deadline the execution timed out; before it, the workflow is gone (a restart): say so, not "expired".
      if (deps.clock.now() >= Date.parse(approval.decideBy)) return html(sink, 410, decidedPage({ ...approval, status: 'expired' }));
      deps.logger.warn('decision not delivered: the approval workflow no longer waits', { approvalId: approval.id });
      return html(sink, 503, messagePage('Not delivered', 'The approval workflow is not waiting for this decision (the gateway may be restarting). Nothing was changed; try again in a moment.', 'bad'));
    }
    throw err;
  }
  await decisions.tokens.delete(approval.id).catch(() => undefined);
  const decided: ApprovalRequest = { ...approval, status: decision, decision: record };
  // Conditional: the workflow may already have answered and completed the session; never roll that back.
  await decisions.sessions
    .update(approval.sessionId, { status: decision, approval: sessionApproval(decided)! }, ['pending'])
    .catch((err: unknown) => deps.logger.error('session record not updated with the decision', { approvalId: approval.id, error: errorForLog(err) }));
  deps.logger.info('approval decided', { approvalId: approval.id, sessionId: approval.sessionId, decision, approver: approver.sub });
  await publishApprovalEvent(deps, decided, 'decided');
  await html(sink, 200, confirmationPage(decided, decision));
}

/** 409 for a request someone already decided, 410 for one whose time ran out. */
function alreadyDecided(sink: ResponseSink, current: ApprovalRequest, now: number): Promise<void> {
  const expired = current.status === 'expired' || (current.status === 'pending' && now >= Date.parse(current.decideBy));
  return html(sink, expired ? 410 : 409, decidedPage(expired ? { ...current, status: 'expired' } : current));
}

/** The approver signed in through the cookie, or undefined: the approval pages and the console share this one check. */
export async function signedInApprover(deps: Pick<ApprovalPagesDeps, 'approvers'>, req: GatewayRequest): Promise<Principal | undefined> {
  const token = readCookie(req.headers.cookie, APPROVER_COOKIE);
  if (!token) return undefined;
  try {
    return await deps.approvers.verify(token);
  } catch {
    // An expired or foreign token is the same as none: sign in again.
    return undefined;
  }
}

export async function html(sink: ResponseSink, status: number, body: string, headers: Record<string, string> = {}): Promise<void> {
  sink.start(status, { ...HTML_HEADERS, ...headers });
  await sink.write(body);
  await sink.end();
}

export function safeDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}
