import type { ApprovalLinkSigner } from '../../auth/approval-link';
import type { Principal } from '../../auth/principal';
import type { TokenVerifier } from '../../auth/verifier';
import { AirlockError } from '../../shared/errors';
import { errorForLog } from '../../shared/logger';
import type { ApprovalStore } from '../../store/approval-types';
import { AUDITORS_GROUP } from '../audit/access';
import { approverGroups, inboxPage, mayDecide, recentDecisions } from '../audit/approvals-inbox';
import type { AuditDeps } from '../audit/audit-deps';
import { sessionView } from '../audit/get-session';
import { searchSessions } from '../audit/list-sessions';
import { replayFrames } from '../audit/replay-session';
import { CONSOLE_HTML_HEADERS, signInPage } from '../approvals/approval-html';
import { html, safeDecode, signedInApprover, type PageHandler } from '../approvals/approval-pages';
import { APPROVER_COOKIE, setCookie } from '../approvals/approver-cookie';
import type { GatewayRequest, ResponseSink } from '../http';
import { sendJson } from '../http';
import { decisionLink } from './approval-links';
import { CONSOLE_SCRIPT } from './console-script';
import { consoleMessage, homePage, neitherRolePage, sessionPage, sessionsPage, type InboxRow, type Viewer } from './console-views';

export interface ConsoleDeps {
  /** The session record, read through the audit use cases. */
  audit: AuditDeps;
  approvals: ApprovalStore;
  links: ApprovalLinkSigner;
  /** Verifies the approver cookie: the same sign-in as the approval pages. */
  approvers: TokenVerifier;
  /** Where "Sign in" goes; it returns to `returnPath` (a path below the public base URL). `switchUser`: make the provider ask who signs in. */
  signInUrl(returnPath: string, switchUser?: boolean): string;
  /** The public base URL's path (the API Gateway stage, `''` locally): every link the console renders starts with it. */
  basePath: string;
  secureCookies: boolean;
}

/**
 * `/console`: the approvers' inbox and the auditors' session browser, signed in like the approval
 * pages. GET pages are read-only (served by the approval-page function); the two POSTs only clear
 * the cookie (served by approval-decide). Only the approver cookie authenticates: no bearer token
 * is accepted here, so a page can never be driven by a token pasted into a link.
 */
export function consolePages(deps: ConsoleDeps): PageHandler {
  const base = deps.basePath.replace(/\/+$/, '');
  return async (req, sink) => {
    const path = req.path.length > 1 ? req.path.replace(/\/+$/, '') : req.path;
    const method = req.method.toUpperCase() === 'HEAD' ? 'GET' : req.method.toUpperCase();
    try {
      if (method === 'GET' && path === '/console/console.js') return await script(sink);
      if (method === 'POST' && (path === '/console/sign-out' || path === '/console/switch-user')) return await signOut(deps, base, sink, path.endsWith('switch-user'));
      if (method !== 'GET') return await page(sink, 405, consoleMessage(base, undefined, 'Not allowed', 'This page only answers GET.'), { allow: 'GET' });

      const principal = await signedInApprover(deps, req);
      const replay = /^\/console\/sessions\/([^/]+)\/replay-frames$/.exec(path);
      if (!principal) {
        if (replay) return await sendJson(sink, 401, { error: { message: 'Sign in to the console first.', type: 'authentication_error', code: 'invalid_token', param: null } }, { 'cache-control': 'no-store' });
        return await page(sink, 401, signInPage(deps.signInUrl(returnPath(req)), 'The console is shown only to signed-in approvers and auditors.', 'Sign in to the console'));
      }
      const viewer = viewerOf(deps, principal);
      if (path === '/console') return await home(deps, base, sink, principal, viewer);
      if (!viewer.auditor && path.startsWith('/console/sessions')) {
        return await page(sink, 403, consoleMessage(base, viewer, 'Auditors only', `Session search needs the ${AUDITORS_GROUP} group. You are signed in as ${viewer.name}.`));
      }
      if (path === '/console/sessions') return await sessions(deps, base, sink, principal, viewer, req.query);
      if (replay) {
        const plan = await replayFrames(deps.audit, principal, safeDecode(replay[1]!), req.query);
        return await sendJson(sink, 200, plan, { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
      }
      const session = /^\/console\/sessions\/([^/]+)$/.exec(path);
      if (session) return await page(sink, 200, sessionPage(base, viewer, await sessionView(deps.audit, principal, safeDecode(session[1]!))));
      return await page(sink, 404, consoleMessage(base, viewer, 'Not found', 'There is no such console page.'));
    } catch (err) {
      if (sink.started) return void (await sink.end().catch(() => undefined));
      if (err instanceof AirlockError && err.status < 500) return await page(sink, err.status, consoleMessage(base, undefined, 'Not available', err.message));
      deps.audit.logger.error('console page failed', { error: errorForLog(err) });
      await page(sink, 503, consoleMessage(base, undefined, 'Try again', 'The console could not answer just now; try again in a moment.'));
    }
  };
}

async function home(deps: ConsoleDeps, base: string, sink: ResponseSink, principal: Principal, viewer: Viewer): Promise<void> {
  if (!viewer.approver && !viewer.auditor) return page(sink, 403, neitherRolePage(base, viewer));
  let inbox: InboxRow[] | undefined;
  if (viewer.approver) {
    // The console lists only what this viewer may decide (never their own), auditors included.
    const pending = (await inboxPage(deps.audit, principal, { status: 'pending' })).data.filter((entry) => mayDecide(principal, entry));
    inbox = await Promise.all(
      pending.map(async (entry) => {
        const link = await decisionLink(deps, base, entry.id).catch((err: unknown) => {
          deps.audit.logger.warn('console could not link a held request', { sessionId: entry.id, error: errorForLog(err) });
          return undefined;
        });
        return { entry, ...(link ? { link } : {}) };
      }),
    );
  }
  const decisions = await recentDecisions(deps.audit, principal);
  await page(sink, 200, homePage(base, viewer, inbox, decisions));
}

async function sessions(deps: ConsoleDeps, base: string, sink: ResponseSink, principal: Principal, viewer: Viewer, query: Record<string, string>): Promise<void> {
  // An empty form field means "any": the API refuses empty filters, so they are dropped here.
  const filters = Object.fromEntries(Object.entries(query).filter(([, v]) => v.trim() !== '').map(([k, v]) => [k, v.trim()]));
  try {
    const result = await searchSessions(deps.audit, principal, { limit: '50', ...filters });
    await page(sink, 200, sessionsPage(base, viewer, filters, result));
  } catch (err) {
    if (!(err instanceof AirlockError) || err.status !== 400) throw err;
    await page(sink, 400, sessionsPage(base, viewer, filters, undefined, err.message));
  }
}

async function signOut(deps: ConsoleDeps, base: string, sink: ResponseSink, switchUser: boolean): Promise<void> {
  // Clearing the cookie is all signing out takes: the token is not stored anywhere else.
  const location = switchUser ? deps.signInUrl('/console', true) : `${base}/console`;
  sink.start(303, {
    location,
    'set-cookie': setCookie(APPROVER_COOKIE, '', { maxAgeSeconds: 0, secure: deps.secureCookies }),
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
  });
  await sink.end();
}

function viewerOf(deps: ConsoleDeps, principal: Principal): Viewer {
  const groups = principal.groups;
  return {
    name: principal.email ?? principal.sub,
    groups,
    approver: approverGroups(deps.audit.policy).some((g) => groups.includes(g)),
    auditor: groups.includes(AUDITORS_GROUP),
  };
}


/** Back to the same console page after sign-in, its search filters included. */
function returnPath(req: GatewayRequest): string {
  const query = new URLSearchParams(req.query).toString();
  return `${req.path}${query ? `?${query}` : ''}`;
}

async function script(sink: ResponseSink): Promise<void> {
  sink.start(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=300', 'x-content-type-options': 'nosniff' });
  await sink.write(CONSOLE_SCRIPT);
  await sink.end();
}

/** An approval-style HTML answer with the console's CSP (its same-origin script and fetches). */
const page = (sink: ResponseSink, status: number, body: string, headers: Record<string, string> = {}): Promise<void> =>
  html(sink, status, body, { ...CONSOLE_HTML_HEADERS, ...headers });

/** One handler for the approval functions: `/console…` to the console, everything else to the approval pages. */
export function withConsole(consoleHandler: PageHandler, approvalHandler: PageHandler): PageHandler {
  return (req, sink) => (req.path === '/console' || req.path.startsWith('/console/') ? consoleHandler(req, sink) : approvalHandler(req, sink));
}
