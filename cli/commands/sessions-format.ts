import { streamedText } from '../../lambdas/gateway/audit/streamed-text';
import type { SessionRecord } from '../../lambdas/store/types';

/** Human-readable renderings for `airlock sessions`; `--json` bypasses all of this. */

export function sessionTable(records: SessionRecord[]): string {
  const rows = records.map((s) => [
    s.createdAt.slice(0, 19).replace('T', ' '),
    s.id,
    s.principal.sub + (s.principal.clientId ? ` (${s.principal.clientId})` : ''),
    s.model ?? '-',
    s.decision ?? '-',
    s.status,
    s.risk ? String(s.risk.score) : '-',
    String(Object.values(s.findingCounts).reduce((a, b) => a + b, 0)),
  ]);
  return table(['CREATED (UTC)', 'ID', 'PRINCIPAL', 'MODEL', 'DECISION', 'STATUS', 'RISK', 'FINDINGS'], rows, new Set([6, 7]));
}

function table(header: string[], rows: string[][], rightAligned: Set<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export interface SessionDetail {
  id: string;
  integrity: 'verified' | 'mismatch' | 'missing';
  session: SessionRecord;
  findings: { request: Record<string, number>; response: Record<string, number> };
  risk: { score: number; decision: string | null; reasons: { id: string; points: number; message: string }[] } | null;
  approval: SessionRecord['approval'] | null;
  transcript: {
    key: string;
    sha256: string;
    recordedSha256: string;
    request: unknown;
    response: unknown;
    responseText?: string;
    events: { t: number; data: string }[];
    error: { status: number; code: string } | null;
  } | null;
}

const INTEGRITY_TEXT = {
  verified: 'VERIFIED (the stored transcript hashes to the SHA-256 recorded with the session)',
  mismatch: 'MISMATCH (the stored transcript is not what was recorded: it was altered or replaced)',
  missing: 'MISSING (no transcript is stored for this session)',
} as const;

export function sessionDetail(d: SessionDetail): string {
  const s = d.session;
  const counts = (c: Record<string, number>) =>
    Object.entries(c)
      .map(([type, n]) => `${type} ×${n}`)
      .join(', ') || 'none';
  const fields: [string, string | undefined][] = [
    ['Session', s.id],
    ['Created', s.createdAt],
    ['Principal', `${s.principal.sub}${s.principal.email ? ` <${s.principal.email}>` : ''} at ${s.principal.issuer}`],
    ['Groups', s.principal.groups.join(', ') || '-'],
    ['Client', s.principal.clientId],
    ['Route', `${s.route}${s.stream ? ' (streamed)' : ''}`],
    ['Model', s.model],
    ['Upstream', s.upstream ? `${s.upstream.name}${s.upstream.fallbackFrom ? ` (fallback from ${s.upstream.fallbackFrom})` : ''}` : undefined],
    ['Decision', `${s.decision ?? '-'} → ${s.status}${s.httpStatus ? ` (HTTP ${s.httpStatus})` : ''}${s.errorCode ? `, ${s.errorCode}` : ''}`],
    ['Risk', d.risk ? `${d.risk.score}${d.risk.reasons.length ? '' : ' (no signals)'}` : undefined],
    ...(d.risk?.reasons ?? []).map((r): [string, string] => ['', `  +${r.points} ${r.id}: ${r.message}`]),
    ['Findings', `prompt: ${counts(d.findings.request)}; answer: ${counts(d.findings.response)}`],
    ['Approval', d.approval ? approvalText(d.approval) : undefined],
    ['Usage', s.usage ? `${s.usage.promptTokens ?? '?'} prompt + ${s.usage.completionTokens ?? '?'} completion tokens` : undefined],
    ['Timings', s.timings ? timingsText(s.timings) : undefined],
    ['Transcript', s.transcriptKey],
    ['SHA-256', s.transcriptSha256],
    ['Integrity', INTEGRITY_TEXT[d.integrity]],
  ];
  const width = Math.max(...fields.map(([k]) => k.length));
  const lines = fields.filter(([, v]) => v !== undefined).map(([k, v]) => `${k.padEnd(width)}  ${v}`);
  if (d.transcript) {
    lines.push('', 'Prompt (masked):', indent(requestText(d.transcript.request)));
    const answer = d.transcript.responseText ?? (d.transcript.response !== null ? responseText(d.transcript.response) : undefined);
    if (answer !== undefined) lines.push('', 'Answer (masked):', indent(answer));
    if (d.transcript.error) lines.push('', `Error returned to the caller: ${d.transcript.error.code} (HTTP ${d.transcript.error.status})`);
  }
  return lines.join('\n');
}

function approvalText(a: NonNullable<SessionRecord['approval']>): string {
  return [a.decision ?? 'pending', a.approver ? `by ${a.approver}` : '', a.decidedAt ? `at ${a.decidedAt}` : '', a.reason ? `— "${a.reason}"` : '']
    .filter(Boolean)
    .join(' ');
}

function timingsText(t: NonNullable<SessionRecord['timings']>): string {
  const ms = (n: number | undefined) => (n === undefined ? undefined : `${n.toFixed(1)} ms`);
  return [
    ['gateway', ms(t.overheadMs)],
    ['upstream first byte', ms(t.upstreamFirstByteMs)],
    ['upstream', ms(t.upstreamMs)],
    ['total', ms(t.totalMs)],
  ]
    .filter(([, v]) => v)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

/** Chat messages as `[role] text`; anything else as JSON. */
function requestText(request: unknown): string {
  const body = request as { messages?: unknown; system?: unknown } | null;
  if (!body || !Array.isArray(body.messages)) return JSON.stringify(request, null, 2);
  const lines: string[] = [];
  if (body.system !== undefined) lines.push(`[system] ${contentText(body.system)}`);
  for (const m of body.messages as { role?: unknown; content?: unknown }[]) lines.push(`[${String(m.role ?? '?')}] ${contentText(m.content)}`);
  return lines.join('\n');
}

function responseText(response: unknown): string {
  const r = response as { choices?: { message?: { content?: unknown } }[]; content?: unknown } | null;
  if (Array.isArray(r?.choices)) return r.choices.map((c) => contentText(c.message?.content)).join('\n');
  if (r && Array.isArray(r.content)) return contentText(r.content);
  return JSON.stringify(response, null, 2);
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((part: { type?: string; text?: unknown }) => (typeof part?.text === 'string' ? part.text : `[${part?.type ?? 'part'}]`)).join('');
  }
  return content === null || content === undefined ? '' : JSON.stringify(content);
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

/** The text an event of a replayed stream carries (a chunk's delta, or a whole plain answer). */
export function replayEventText(data: string): string | undefined {
  const delta = streamedText([{ t: 0, data }]);
  if (delta !== undefined) return delta;
  try {
    const parsed = JSON.parse(data) as { choices?: unknown; content?: unknown; error?: { code?: string } };
    if (parsed.error) return `\n[error: ${parsed.error.code ?? 'unknown'}]\n`;
    if (Array.isArray(parsed.choices) || Array.isArray(parsed.content)) return responseText(parsed);
  } catch {
    return undefined;
  }
  return undefined;
}
