import type { DevIssuer } from '../lambdas/auth/dev-issuer';
import { html } from '../lambdas/gateway/approvals/approval-pages';
import { isApprovalReturnPath } from '../lambdas/auth/approval-sign-in';
import { messagePage, page } from '../lambdas/gateway/approvals/approval-html';
import { html as template } from '../lambdas/gateway/html-template';
import { APPROVER_COOKIE, setCookie } from '../lambdas/gateway/approvals/approver-cookie';
import type { GatewayRequest, ResponseSink } from '../lambdas/gateway/http';

/**
 * `GET/POST /dev/login`: the local stand-in for the Cognito hosted UI. It signs an approver in
 * with a token from the dev issuer (any name and groups: it is a local development issuer, as
 * `airlock token` is) and returns to the approval page. Never part of the deployed stack.
 */
const TOKEN_TTL_SECONDS = 8 * 3600;
const SUB = /^[A-Za-z0-9@._+-]{1,64}$/;
const GROUP = /^[A-Za-z0-9._-]{1,64}$/;

export function devLoginPage(issuer: DevIssuer) {
  return async (req: GatewayRequest, sink: ResponseSink): Promise<void> => {
    if (req.path.replace(/\/+$/, '') !== '/dev/login') return html(sink, 404, messagePage('Not found', 'There is no such page.', 'bad'));
    if (req.method === 'GET') {
      return html(sink, 200, loginForm(safeReturnPath(req.query.return) ?? '', ''));
    }
    if (req.method !== 'POST') return html(sink, 405, messagePage('Not allowed', 'Use GET or POST.', 'bad'), { allow: 'GET, POST' });
    const form = new URLSearchParams(req.body);
    const sub = (form.get('sub') ?? '').trim();
    const email = (form.get('email') ?? '').trim();
    const groups = (form.get('groups') ?? '').split(',').map((g) => g.trim()).filter(Boolean);
    const returnPath = safeReturnPath(form.get('return') ?? undefined);
    if (!SUB.test(sub) || !groups.every((g) => GROUP.test(g)) || (email && !/^[^\s@]{1,64}@[^\s@]{1,190}$/.test(email))) {
      return html(sink, 400, loginForm(returnPath ?? '', 'Enter a user name (letters, digits, @ . _ + -) and comma-separated groups.'));
    }
    const token = await issuer.mint({ sub, groups, ...(email ? { email } : {}), ttlSeconds: TOKEN_TTL_SECONDS });
    sink.start(303, {
      location: returnPath ?? '/dev/login',
      'set-cookie': setCookie(APPROVER_COOKIE, token, { maxAgeSeconds: TOKEN_TTL_SECONDS, secure: false }),
      'cache-control': 'no-store',
    });
    await sink.end();
  };
}

/** Only a path back to an approval page or the console: never another origin (no open redirect). */
function safeReturnPath(value: string | undefined): string | undefined {
  return isApprovalReturnPath(value) ? value : undefined;
}

function loginForm(returnPath: string, error: string): string {
  return page(
    'Sign in (local dev issuer)',
    template`${error ? template`<div class="card bad"><p>${error}</p></div>` : ''}
<form class="card" method="post" action="/dev/login">
<input type="hidden" name="return" value="${returnPath}">
<label for="sub">User name</label><input type="text" id="sub" name="sub" autocomplete="username" required>
<label for="email">E-mail (optional)</label><input type="text" id="email" name="email">
<label for="groups">Groups (comma-separated)</label><input type="text" id="groups" name="groups" value="approvers">
<div class="actions"><button class="neutral" type="submit">Sign in</button></div>
<p class="muted">Local development only: the dev issuer signs whoever you say. In AWS, approvers sign in with Cognito or your OIDC provider.</p>
</form>`,
  );
}
