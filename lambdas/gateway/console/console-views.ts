import type { InboxEntry } from '../audit/approvals-inbox';
import type { SessionView } from '../audit/get-session';
import { SESSION_STATUSES } from '../../store/types';
import { page, time } from '../approvals/approval-html';
import { promptExcerpt } from '../approvals/prompt-excerpt';
import { html, type Html } from '../html-template';
import type { SessionPage, SessionRecord } from '../../store/types';

/** The console's pages. Every value goes through the `html` template; links are built under `base` (the stage path). */
export interface Viewer {
  name: string;
  groups: string[];
  approver: boolean;
  auditor: boolean;
}

export interface InboxRow {
  entry: InboxEntry;
  /** The signed decision-page link, when the approval behind the session was found. */
  link?: string;
}

const SCRIPT = (base: string) => `${base}/console/console.js`;
const options = (base: string, viewer: Viewer) => ({ nav: nav(base, viewer), script: SCRIPT(base), wide: true });

function nav(base: string, viewer: Viewer): Html {
  return html`<nav class="top" aria-label="Console">
<strong>Airlock console</strong>
${viewer.approver ? html`<a href="${base}/console">Inbox</a>` : ''}
${viewer.auditor ? html`<a href="${base}/console/sessions">Sessions</a>` : ''}
<span class="who">Signed in as ${viewer.name}</span>
<form method="post" action="${base}/console/switch-user"><button class="plain small" type="submit">Switch user</button></form>
<form method="post" action="${base}/console/sign-out"><button class="plain small" type="submit">Sign out</button></form>
</nav>`;
}

const who = (p: { sub: string; email?: string }) => (p.email ? `${p.email} (${p.sub})` : p.sub);

export function homePage(base: string, viewer: Viewer, inbox: InboxRow[] | undefined, decisions: InboxEntry[] | undefined): string {
  const parts: Html[] = [];
  if (inbox) {
    parts.push(html`<section class="card" aria-labelledby="inbox"><h2 id="inbox">Waiting for your decision</h2>
${inbox.length ? inboxTable(inbox) : html`<p class="muted">Nothing is waiting for you. Requests you sent yourself are decided by another approver.</p>`}</section>`);
  }
  if (decisions) {
    parts.push(html`<section class="card" aria-labelledby="decided"><h2 id="decided">Recent decisions</h2>
${decisions.length ? decisionsTable(decisions) : html`<p class="muted">No decisions yet.</p>`}</section>`);
  }
  if (!viewer.approver && viewer.auditor) {
    parts.push(html`<section class="card"><p>You are an auditor: <a href="${base}/console/sessions">search the session record</a>.</p></section>`);
  }
  return page(viewer.approver ? 'Approvals inbox' : 'Console', html`${parts}`, options(base, viewer));
}

function inboxTable(rows: InboxRow[]): Html {
  return html`<table><thead><tr><th>Requested</th><th>By</th><th>Model</th><th>Risk</th><th>Time left</th><th></th></tr></thead><tbody>
${rows.map(
  ({ entry, link }) => html`<tr data-session="${entry.id}"><td>${time(entry.createdAt)}</td><td>${who(entry.principal)}</td><td>${entry.model ?? ''}</td>
<td>${entry.risk ? html`${entry.risk.score} · ${entry.risk.reasons[0]?.message ?? ''}` : ''}</td>
<td><span data-deadline="${entry.decide_by}">until ${time(entry.decide_by)}</span></td>
<td>${link ? html`<a class="button neutral small" href="${link}">Review</a>` : html`<span class="muted">not ready yet</span>`}</td></tr>`,
)}</tbody></table>`;
}

function decisionsTable(entries: InboxEntry[]): Html {
  return html`<table><thead><tr><th>Requested</th><th>By</th><th>Decision</th><th>Approver</th><th>Decided</th><th>Reason</th></tr></thead><tbody>
${entries.map(
  (e) => html`<tr><td>${time(e.createdAt)}</td><td>${who(e.principal)}</td><td>${e.approval?.decision ?? e.status}</td><td>${e.approval?.approver ?? ''}</td>
<td>${time(e.approval?.decidedAt)}</td><td>${e.approval?.reason ?? ''}</td></tr>`,
)}</tbody></table>`;
}

const FILTERS: Array<{ name: string; label: string; placeholder?: string }> = [
  { name: 'principal', label: 'User (sub)' },
  { name: 'issuer', label: 'Issuer' },
  { name: 'group', label: 'Group' },
  { name: 'client', label: 'Client id' },
  { name: 'model', label: 'Model' },
  { name: 'from', label: 'From', placeholder: '2026-06-01' },
  { name: 'to', label: 'To', placeholder: '2026-06-30' },
  { name: 'min_risk', label: 'Risk at least', placeholder: '0–100' },
];

export function sessionsPage(base: string, viewer: Viewer, query: Record<string, string>, result: SessionPage | undefined, error?: string): string {
  const select = (name: string, label: string, values: readonly string[]) =>
    html`<div><label for="f-${name}">${label}</label><select id="f-${name}" name="${name}"><option value="">any</option>${values.map(
      (v) => html`<option${query[name] === v ? html` selected` : ''}>${v}</option>`,
    )}</select></div>`;
  const form = html`<form class="card" method="get" action="${base}/console/sessions" role="search"><div class="filters">
${FILTERS.map((f) => html`<div><label for="f-${f.name}">${f.label}</label><input type="text" id="f-${f.name}" name="${f.name}" value="${query[f.name] ?? ''}" placeholder="${f.placeholder ?? ''}"></div>`)}
${select('decision', 'Decision', ['allow', 'review', 'block'])}
${select('status', 'Status', SESSION_STATUSES)}
</div><div class="actions"><button class="neutral" type="submit">Search</button><a class="button plain" href="${base}/console/sessions">Clear</a></div></form>`;
  const results = error
    ? html`<div class="card bad"><p>${error}</p></div>`
    : result
      ? html`<section class="card" aria-labelledby="results"><h2 id="results">Results</h2>${result.items.length ? sessionsTable(base, result.items) : html`<p class="muted">No session matches.</p>`}
${result.nextCursor ? html`<p><a href="${base}/console/sessions?${new URLSearchParams({ ...query, cursor: result.nextCursor }).toString()}">Next page</a></p>` : ''}</section>`
      : '';
  return page('Sessions', html`${form}${results}`, options(base, viewer));
}

function sessionsTable(base: string, items: SessionRecord[]): Html {
  return html`<table><thead><tr><th>Started</th><th>User</th><th>Route</th><th>Model</th><th>Decision</th><th>Status</th><th>Risk</th></tr></thead><tbody>
${items.map(
  (s) => html`<tr><td><a href="${base}/console/sessions/${s.id}">${time(s.createdAt)}</a></td><td>${who(s.principal)}</td><td>${s.route}</td><td>${s.model ?? ''}</td>
<td>${s.decision ?? ''}</td><td>${s.status}</td><td>${s.risk?.score ?? ''}</td></tr>`,
)}</tbody></table>`;
}

const INTEGRITY_TEXT = {
  verified: 'verified: the transcript matches the SHA-256 in the session record',
  mismatch: 'MISMATCH: the transcript does not match the SHA-256 in the session record',
  missing: 'missing: the record names no transcript, or it is gone',
} as const;

export function sessionPage(base: string, viewer: Viewer, view: SessionView): string {
  const s = view.session;
  const t = view.transcript;
  const counts = (c: Record<string, number>) =>
    Object.keys(c).length ? html`<ul>${Object.entries(c).map(([type, n]) => html`<li>${type}: ${n}</li>`)}</ul>` : html`<p class="muted">none</p>`;
  const record = html`<section class="card" aria-labelledby="record"><h2 id="record">Record</h2><dl>
<dt>Session</dt><dd>${s.id}</dd>
<dt>Started</dt><dd>${time(s.createdAt)}</dd>
<dt>User</dt><dd>${who(s.principal)} · ${s.principal.issuer}</dd>
<dt>Groups</dt><dd>${s.principal.groups.join(', ') || '(none)'}</dd>
<dt>Client</dt><dd>${s.principal.clientId ?? '(none)'}</dd>
<dt>Route</dt><dd>${s.route}${s.stream ? ' (stream)' : ''}</dd>
<dt>Model</dt><dd>${s.model ?? ''}</dd>
<dt>Upstream</dt><dd>${s.upstream ? `${s.upstream.name}${s.upstream.fallbackFrom ? ` (fallback from ${s.upstream.fallbackFrom})` : ''}` : '—'}</dd>
<dt>Decision</dt><dd>${s.decision ?? ''}</dd>
<dt>Status</dt><dd>${s.status}${s.httpStatus ? ` (HTTP ${s.httpStatus})` : ''}${s.errorCode ? ` · ${s.errorCode}` : ''}</dd>
<dt>Tokens</dt><dd>${s.usage ? `${s.usage.promptTokens ?? 0} in, ${s.usage.completionTokens ?? 0} out` : '—'}</dd>
<dt>Timings</dt><dd>${s.timings ? `total ${Math.round(s.timings.totalMs ?? 0)} ms, Airlock ${(s.timings.overheadMs ?? 0).toFixed(1)} ms` : '—'}</dd>
<dt>Integrity</dt><dd><span class="badge ${view.integrity}" id="integrity">${view.integrity}</span> <span class="muted">${INTEGRITY_TEXT[view.integrity]}</span></dd>
</dl></section>`;
  const risk = html`<section class="card" aria-labelledby="risk"><h2 id="risk">Findings and risk</h2>
<h3>Findings in the prompt</h3>${counts(view.findings.request)}<h3>Findings in the answer</h3>${counts(view.findings.response)}
<h3>Risk${view.risk ? html` · score ${view.risk.score}` : ''}</h3>${
    view.risk?.reasons.length ? html`<ul>${view.risk.reasons.map((r) => html`<li>${r.message} <span class="muted">(+${r.points}, ${r.id})</span></li>`)}</ul>` : html`<p class="muted">No risk reasons.</p>`
  }
<h3>Approval</h3>${
    view.approval
      ? html`<p>${view.approval.decision ?? 'pending'}${view.approval.approver ? ` by ${view.approval.approver}` : ''}${view.approval.decidedAt ? html` at ${time(view.approval.decidedAt)}` : ''}${view.approval.reason ? ` · “${view.approval.reason}”` : ''}</p>`
      : html`<p class="muted">${s.status === 'pending' ? 'Waiting for an approver.' : 'No approval was needed.'}</p>`
  }</section>`;
  const transcript = t
    ? html`<section class="card" aria-labelledby="transcript"><h2 id="transcript">Masked transcript</h2>
<h3>Request</h3><pre>${promptExcerpt(t.request, Number.MAX_SAFE_INTEGER) || JSON.stringify(t.request, null, 2)}</pre>
<h3>Answer</h3><pre>${t.responseText ?? (t.response ? JSON.stringify(t.response, null, 2) : t.error ? `error ${t.error.code} (HTTP ${t.error.status})` : '(none)')}</pre>
<details><summary>Raw masked request and answer (JSON)</summary><pre>${JSON.stringify({ request: t.request, response: t.response, error: t.error }, null, 2)}</pre></details>
<p class="muted">SHA-256 read ${t.sha256 ?? '—'}; recorded ${t.recordedSha256 ?? '—'}.</p></section>
<section class="card" aria-labelledby="replay"><h2 id="replay">Replay</h2>
<p class="muted">Plays the recorded (masked) stream in this page at its recorded pace.</p>
<div class="controls"><label for="replay-speed">Speed</label><select id="replay-speed"><option value="1" selected>1×</option><option value="2">2×</option><option value="10">10×</option></select>
<button class="neutral" type="button" id="replay-start" data-frames="${base}/console/sessions/${s.id}/replay-frames">Replay</button></div>
<p id="replay-status" class="muted" role="status">Not started.</p><pre id="replay-output"></pre></section>`
    : html`<section class="card bad"><p>The transcript of this session cannot be read (${view.integrity}).</p></section>`;
  return page(`Session ${s.id}`, html`${record}${risk}${transcript}`, options(base, viewer));
}

export function neitherRolePage(base: string, viewer: Viewer): string {
  return page(
    'Nothing to show',
    html`<div class="card bad"><p>The console is for approvers (who decide on held requests) and auditors (who read the record). You are signed in as ${viewer.name}, in ${viewer.groups.join(', ') || 'no group'}.</p>
<p>Use <strong>Switch user</strong> to sign in as someone else.</p></div>`,
    options(base, viewer),
  );
}

export function consoleMessage(base: string, viewer: Viewer | undefined, title: string, message: string): string {
  return page(title, html`<div class="card bad"><p>${message}</p></div>`, viewer ? options(base, viewer) : { script: SCRIPT(base) });
}
