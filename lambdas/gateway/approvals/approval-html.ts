import { createHash } from 'node:crypto';
import type { ApprovalRequest } from '../../store/approval-types';

/**
 * The approval pages: plain server-rendered HTML, every value escaped, one inline stylesheet
 * allowed by its hash and nothing else (no script, no images, no frames, forms post to self).
 */
const CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#f4f5f7}
main{max-width:44rem;margin:0 auto;padding:1rem}
h1{font-size:1.35rem;margin:.5rem 0 1rem}
.card{background:#fff;border:1px solid #d8dde3;border-radius:.5rem;padding:1rem;margin:0 0 1rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem .75rem;margin:0}
dt{color:#57606a}dd{margin:0;overflow-wrap:anywhere}
ul{margin:.25rem 0;padding-left:1.25rem}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f8fa;border:1px solid #d8dde3;border-radius:.375rem;padding:.75rem;max-height:24rem;overflow:auto;font-size:.875rem}
label{display:block;margin:.5rem 0 .25rem}
textarea,input[type=text]{width:100%;font:inherit;padding:.5rem;border:1px solid #afb8c1;border-radius:.375rem}
.actions{display:flex;gap:.75rem;flex-wrap:wrap;margin-top:1rem}
button,.button{font:inherit;font-weight:600;padding:.7rem 1.4rem;border-radius:.375rem;border:1px solid transparent;cursor:pointer;text-decoration:none;display:inline-block}
.approve{background:#1f883d;color:#fff}.deny{background:#cf222e;color:#fff}.neutral{background:#0969da;color:#fff}
.notice{border-left:4px solid #0969da}.bad{border-left:4px solid #cf222e}.good{border-left:4px solid #1f883d}
.muted{color:#57606a;font-size:.875rem}
@media (max-width:30rem){dl{grid-template-columns:1fr}dt{margin-top:.5rem}button,.button{width:100%}}
`.trim();

const STYLE_HASH = createHash('sha256').update(CSS).digest('base64');

export const HTML_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  // The link carries its signature: it must not leak to other sites through Referer.
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex,nofollow"><title>${escapeHtml(title)} · Airlock</title><style>${CSS}</style></head>
<body><main><h1>${escapeHtml(title)}</h1>
${body}
</main></body></html>`;
}

/** A short message page: `tone` colours its edge. */
export function messagePage(title: string, message: string, tone: 'notice' | 'bad' | 'good' = 'notice', extra = ''): string {
  return page(title, `<div class="card ${tone}"><p>${escapeHtml(message)}</p>${extra}</div>`);
}

export function signInPage(signInUrl: string): string {
  return messagePage(
    'Sign in to review this request',
    'Approval requests are shown only to signed-in members of the approvers group. Sign in and you will come back to this page.',
    'notice',
    `<p><a class="button neutral" href="${escapeHtml(signInUrl)}">Sign in</a></p>`,
  );
}

function summary(approval: ApprovalRequest): string {
  const p = approval.principal;
  const reasons = approval.risk.reasons.length
    ? `<ul>${approval.risk.reasons.map((r) => `<li>${escapeHtml(r.message)} <span class="muted">(+${escapeHtml(r.points)}, ${escapeHtml(r.id)})</span></li>`).join('')}</ul>`
    : '<p class="muted">No reasons were given.</p>';
  return `<div class="card"><dl>
<dt>Requested by</dt><dd>${escapeHtml(p.email ? `${p.email} (${p.sub})` : p.sub)}</dd>
<dt>Issuer</dt><dd>${escapeHtml(p.issuer)}</dd>
<dt>Client</dt><dd>${escapeHtml(p.clientId ?? '(none)')}</dd>
<dt>Model</dt><dd>${escapeHtml(approval.model)}</dd>
<dt>Risk score</dt><dd>${escapeHtml(approval.risk.score)} / 100</dd>
<dt>Requested</dt><dd>${escapeHtml(approval.createdAt)}</dd>
<dt>Decide by</dt><dd>${escapeHtml(approval.decideBy)}</dd>
</dl></div>
<div class="card"><h2>Why it was held</h2>${reasons}</div>
<div class="card"><h2>Prompt</h2><p class="muted">Secrets and personal data are masked: the model receives this masked text, never the original.</p><pre>${escapeHtml(approval.promptExcerpt)}</pre></div>`;
}

export function reviewPage(approval: ApprovalRequest, csrfToken: string, approver: string): string {
  return page(
    'A prompt needs your approval',
    `${summary(approval)}
<form class="card" method="post" action="">
<input type="hidden" name="csrf" value="${escapeHtml(csrfToken)}">
<label for="reason">Reason (optional, recorded with your decision)</label>
<textarea id="reason" name="reason" rows="3" maxlength="500"></textarea>
<div class="actions">
<button class="approve" type="submit" name="decision" value="approve">Approve</button>
<button class="deny" type="submit" name="decision" value="deny">Deny</button>
</div>
<p class="muted">Signed in as ${escapeHtml(approver)}. The first decision is final.</p>
</form>`,
  );
}

export function decidedPage(approval: ApprovalRequest): string {
  const d = approval.decision;
  const what =
    approval.status === 'expired'
      ? `This request expired at ${approval.decideBy} without a decision.`
      : d
        ? `This request was already ${d.decision} by ${d.approver.email ?? d.approver.sub} at ${d.decidedAt}.`
        : `This request is already ${approval.status}.`;
  return page('Already decided', `<div class="card notice"><p>${escapeHtml(what)}</p></div>${summary(approval)}`);
}

export function confirmationPage(approval: ApprovalRequest, decision: 'approved' | 'denied'): string {
  const message =
    decision === 'approved'
      ? 'Approved. The prompt is being sent to the model; the requester gets the answer from the gateway.'
      : 'Denied. The prompt will not be sent, and the requester is told so.';
  return page(decision === 'approved' ? 'Approved' : 'Denied', `<div class="card ${decision === 'approved' ? 'good' : 'bad'}"><p>${escapeHtml(message)}</p></div>${summary(approval)}`);
}
