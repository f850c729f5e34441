import { createHash } from 'node:crypto';
import type { ApprovalRequest, McpToolCallSubject } from '../../store/approval-types';
import { escapeHtml, html, type Html } from '../html-template';
import { toolChangeCards } from './tool-change-html';

/**
 * The approval pages and the console: server-rendered HTML built only with the `html` template
 * (one place escapes), one inline stylesheet allowed by its hash. Approval pages run no script at
 * all; console pages load one same-origin script file (`script-src 'self'`), never inline code.
 */
const CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1b1f24;background:#f4f5f7}
main{max-width:44rem;margin:0 auto;padding:1rem}
main.wide{max-width:72rem}
h1{font-size:1.35rem;margin:.5rem 0 1rem}
h2{font-size:1.1rem;margin:0 0 .5rem}
h3{font-size:1rem;margin:.75rem 0 .25rem}
.card{background:#fff;border:1px solid #d8dde3;border-radius:.5rem;padding:1rem;margin:0 0 1rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem .75rem;margin:0}
dt{color:#57606a}dd{margin:0;overflow-wrap:anywhere}
ul{margin:.25rem 0;padding-left:1.25rem}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f8fa;border:1px solid #d8dde3;border-radius:.375rem;padding:.75rem;max-height:24rem;overflow:auto;font-size:.875rem;margin:.25rem 0}
pre.full{max-height:none}
mark{background:#fff1a8;color:inherit;outline:2px solid #d4a72c;border-radius:.125rem}
details summary{cursor:pointer;color:#0969da}
label{display:block;margin:.5rem 0 .25rem}
textarea,input[type=text],select{width:100%;font:inherit;padding:.5rem;border:1px solid #afb8c1;border-radius:.375rem;background:#fff}
.actions{display:flex;gap:.75rem;flex-wrap:wrap;margin-top:1rem}
button,.button{font:inherit;font-weight:600;padding:.7rem 1.4rem;border-radius:.375rem;border:1px solid transparent;cursor:pointer;text-decoration:none;display:inline-block}
.small{padding:.35rem .8rem;font-size:.875rem}
.approve{background:#1f883d;color:#fff}.deny{background:#cf222e;color:#fff}.neutral{background:#0969da;color:#fff}.plain{background:#fff;color:#1b1f24;border-color:#afb8c1}
.notice{border-left:4px solid #0969da}.bad{border-left:4px solid #cf222e}.good{border-left:4px solid #1f883d}
.muted{color:#57606a;font-size:.875rem}
.badge{display:inline-block;padding:0 .5rem;border-radius:1rem;font-size:.8rem;font-weight:600;background:#eaeef2}
.badge.verified{background:#dafbe1;color:#116329}.badge.mismatch{background:#ffebe9;color:#a40e26}.badge.missing{background:#fff8c5;color:#7d4e00}
nav.top{display:flex;align-items:center;gap:1rem;flex-wrap:wrap;margin:.25rem 0 .75rem;font-size:.9rem}
nav.top a{color:#0969da}nav.top .who{margin-left:auto;color:#57606a}
nav.top form{display:inline;margin:0}
table{width:100%;border-collapse:collapse;font-size:.9rem}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #d8dde3;vertical-align:top}
th{color:#57606a;font-weight:600}
.filters{display:grid;grid-template-columns:repeat(auto-fill,minmax(10rem,1fr));gap:0 .75rem}
.filters label{font-size:.875rem;margin:.25rem 0}
.excerpt{border-left:3px solid #d4a72c;padding-left:.75rem;margin:.5rem 0}
.controls{display:flex;align-items:center;gap:.75rem;flex-wrap:wrap}.controls label{margin:0}.controls select{width:auto}
@media (max-width:30rem){dl{grid-template-columns:1fr}dt{margin-top:.5rem}button,.button{width:100%}}
`.trim();

const STYLE_HASH = createHash('sha256').update(CSS).digest('base64');

const BASE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  // The link carries its signature: it must not leak to other sites through Referer.
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

export const HTML_HEADERS: Record<string, string> = {
  ...BASE_HEADERS,
  'content-security-policy': `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
};

/** The console's pages: the same, plus the one same-origin script file and same-origin fetches (the replay). */
export const CONSOLE_HTML_HEADERS: Record<string, string> = {
  ...BASE_HEADERS,
  'content-security-policy': `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
};

export interface PageOptions {
  /** Above the title: the console's navigation. */
  nav?: Html;
  /** The console script's URL (same origin); approval pages have none. */
  script?: string;
  wide?: boolean;
}

export function page(title: string, body: Html, options: PageOptions = {}): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex,nofollow"><title>${title} · Airlock</title><style>${CSS_FRAGMENT}</style>${options.script ? html`<script src="${options.script}" defer></script>` : ''}</head>
<body><main${options.wide ? html` class="wide"` : ''}>${options.nav ?? ''}<h1>${title}</h1>
${body}
</main></body></html>`.toString();
}

// The stylesheet is interpolated like any value: it holds no character the template escapes, so
// it arrives verbatim and matches its hash in the CSP (checked when this module loads).
const CSS_FRAGMENT = CSS;
if (escapeHtml(CSS) !== CSS) throw new Error('the stylesheet must not contain & < > " \' or `');

/** A point in time: UTC text, which the console script turns into local time with the UTC time on hover. */
export function time(iso: string | undefined): Html {
  if (!iso) return html`<span class="muted">—</span>`;
  const utc = Number.isNaN(Date.parse(iso)) ? iso : `${new Date(iso).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  return html`<time datetime="${iso}">${utc}</time>`;
}

/** A short message page: `tone` colours its edge. */
export function messagePage(title: string, message: string, tone: 'notice' | 'bad' | 'good' = 'notice', extra?: Html, options?: PageOptions): string {
  return page(title, html`<div class="card ${tone}"><p>${message}</p>${extra ?? ''}</div>`, options);
}

export function signInPage(
  signInUrl: string,
  what = 'Approval requests are shown only to signed-in members of the approvers group.',
  title = 'Sign in to review this request',
): string {
  return messagePage(title, `${what} Sign in and you will come back to this page.`, 'notice', html`<p><a class="button neutral" href="${signInUrl}">Sign in</a></p>`);
}

function reasonsCard(approval: ApprovalRequest): Html {
  if (!approval.risk.reasons.length) return html`<div class="card"><h2>Why it was held</h2><p class="muted">No reasons were given.</p></div>`;
  const items = approval.risk.reasons.map((r) => {
    const excerpts = (approval.triggers ?? []).filter((t) => t.reasonId === r.id);
    return html`<li>${r.message} <span class="muted">(+${r.points}, ${r.id})</span>${excerpts.map(
      (t) => html`<div class="excerpt"><span class="muted">In ${t.where}:</span><pre>${t.before}<mark>${t.match}</mark>${t.after}</pre></div>`,
    )}</li>`;
  });
  return html`<div class="card"><h2>Why it was held</h2><ul>${items}</ul></div>`;
}

function conversationCard(approval: ApprovalRequest, transcriptHref?: string): Html {
  const note = html`<p class="muted">Secrets and personal data are masked: the model receives this masked text, never the original.</p>`;
  const c = approval.conversation;
  if (!c) return html`<div class="card"><h2>Prompt</h2>${note}<pre>${approval.promptExcerpt}</pre></div>`;
  const transcript = transcriptHref
    ? html`<p class="muted">${c.truncated ? 'Some text is cut here; read ' : 'Read '}the <a href="${transcriptHref}">full masked transcript</a> as it will be sent.</p>`
    : '';
  return html`<div class="card"><h2>Latest user turn</h2>${note}<pre>${c.latestUser || '(none)'}</pre>
${c.toolCalls.length ? html`<h3>Tool calls</h3>${c.toolCalls.map((call) => html`<pre>${call}</pre>`)}` : ''}
${c.earlier ? html`<details><summary>Earlier messages (${c.earlier.length} characters)</summary><pre>${c.earlier}</pre></details>` : ''}
${transcript}</div>`;
}

/** A held MCP tool call: the upstream, the tool, what its commands do, and the masked arguments (SQL and shell as code). */
function toolCallCard(subject: McpToolCallSubject, transcriptHref?: string): Html {
  const note = subject.masked
    ? html`<p class="muted">Masking changed these arguments: secrets and personal data are masked, and the approved call sends exactly this masked text, never the original.</p>`
    : html`<p class="muted">The approved call sends exactly these arguments.</p>`;
  return html`<div class="card"><h2>Tool call</h2><dl>
<dt>Upstream</dt><dd>${subject.upstream}</dd>
<dt>Tool</dt><dd><code>${subject.tool}</code></dd>
${subject.effects.length ? html`<dt>Effect</dt><dd><ul>${subject.effects.map((e) => html`<li><strong>${e}</strong></li>`)}</ul></dd>` : ''}
</dl>
<h3>Arguments</h3>${note}
${subject.arguments.length ? subject.arguments.map((a) => html`<h3>${a.name}${a.language ? html` <span class="badge">${a.language === 'sql' ? 'SQL' : 'shell'}</span>` : ''}</h3><pre><code${a.language ? html` class="language-${a.language}"` : ''}>${a.text}</code></pre>`) : html`<p class="muted">(no arguments)</p>`}
${subject.truncated && transcriptHref ? html`<p class="muted">Some text is cut here; read the <a href="${transcriptHref}">full masked call</a>.</p>` : ''}</div>`;
}

const isToolCall = (approval: ApprovalRequest) => approval.subject?.kind === 'mcp_tool_call';

function summary(approval: ApprovalRequest, transcriptHref?: string): Html {
  if (approval.subject?.kind === 'tool-change') {
    return toolChangeCards(approval.subject, { requested: time(approval.createdAt), decideBy: time(approval.decideBy) }, reasonsCard(approval));
  }
  const p = approval.principal;
  return html`<div class="card"><dl>
<dt>Requested by</dt><dd>${p.email ? `${p.email} (${p.sub})` : p.sub}</dd>
<dt>Issuer</dt><dd>${p.issuer}</dd>
<dt>Client</dt><dd>${p.clientId ?? '(none)'}</dd>
<dt>${isToolCall(approval) ? 'Tool' : 'Model'}</dt><dd>${approval.model}</dd>
<dt>Risk score</dt><dd>${approval.risk.score} / 100</dd>
<dt>Requested</dt><dd>${time(approval.createdAt)}</dd>
<dt>Decide by</dt><dd>${time(approval.decideBy)}</dd>
</dl></div>
${approval.subject?.kind === 'mcp_tool_call' ? toolCallCard(approval.subject, transcriptHref) : ''}
${reasonsCard(approval)}
${isToolCall(approval) ? '' : conversationCard(approval, transcriptHref)}`;
}

/** The decision page's link to the full masked request: the same id, expiry and signature as the page's own link. */
export function transcriptHref(approvalId: string, query: Record<string, string>): string {
  return `${encodeURIComponent(approvalId)}/transcript?${new URLSearchParams({ exp: query.exp ?? '', sig: query.sig ?? '' }).toString()}`;
}

/** `transcriptHref`: the signed link to the full masked request (the same signature as the page's own link). */
export function reviewPage(approval: ApprovalRequest, csrfToken: string, approver: string, transcriptHref?: string): string {
  return page(
    approval.subject?.kind === 'tool-change' ? 'A tool change needs your approval' : isToolCall(approval) ? 'A tool call needs your approval' : 'A prompt needs your approval',
    html`${summary(approval, transcriptHref)}
<form class="card" method="post" action="">
<input type="hidden" name="csrf" value="${csrfToken}">
<label for="reason">Reason (optional, recorded with your decision)</label>
<textarea id="reason" name="reason" rows="3" maxlength="500"></textarea>
<div class="actions">
<button class="approve" type="submit" name="decision" value="approve">Approve</button>
<button class="deny" type="submit" name="decision" value="deny">Deny</button>
</div>
<p class="muted">Signed in as ${approver}. The first decision is final.</p>
</form>`,
  );
}

const backToConsole = html`<p><a href="../console">Back to the console</a></p>`;

export function decidedPage(approval: ApprovalRequest): string {
  const d = approval.decision;
  const what =
    approval.status === 'expired'
      ? `This request expired at ${approval.decideBy} without a decision.`
      : d
        ? `This request was already ${d.decision} by ${d.approver.email ?? d.approver.sub} at ${d.decidedAt}.`
        : `This request is already ${approval.status}.`;
  return page('Already decided', html`<div class="card notice"><p>${what}</p>${backToConsole}</div>${summary(approval)}`);
}

export function confirmationPage(approval: ApprovalRequest, decision: 'approved' | 'denied'): string {
  const message =
    approval.subject?.kind === 'tool-change'
      ? decision === 'approved'
        ? 'Approved. Agents see the tool with this definition from their next tools/list on, and may call it.'
        : 'Denied. The tool stays hidden and its calls refused until its definition changes again or it is pinned in config.'
      : isToolCall(approval)
        ? decision === 'approved'
          ? 'Approved. The gateway sends exactly this tool call, once, when the agent collects it; the agent gets its result.'
          : 'Denied. The tool call will not be sent, and the agent is told so.'
        : decision === 'approved'
      ? 'Approved. The prompt is being sent to the model; the requester gets the answer from the gateway.'
      : 'Denied. The prompt will not be sent, and the requester is told so.';
  return page(decision === 'approved' ? 'Approved' : 'Denied', html`<div class="card ${decision === 'approved' ? 'good' : 'bad'}"><p>${message}</p>${backToConsole}</div>${summary(approval)}`);
}
