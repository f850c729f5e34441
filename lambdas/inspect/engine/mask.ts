import type { Finding } from '../types';

export type Replacement = (finding: Finding, value: string) => string;

export const redactionMarker = (type: string): string => `[REDACTED:${type}]`;

export const redact: Replacement = (f) => redactionMarker(f.type);

/** Rebuilds text[from, to) with every finding (all inside that range, sorted) replaced. */
export function applyFindings(text: string, findings: readonly Finding[], from: number, to: number, replace: Replacement): string {
  if (findings.length === 0) return from === 0 && to === text.length ? text : text.slice(from, to);
  let out = '';
  let pos = from;
  for (const f of findings) {
    out += text.slice(pos, f.start) + replace(f, text.slice(f.start, f.end));
    pos = f.end;
  }
  return out + text.slice(pos, to);
}

/**
 * In serialized JSON a span must not end inside an escape sequence (`\\"`), or the marker would
 * swallow the backslash and unbalance the string: such spans give up their trailing backslash.
 */
export function jsonSafe(text: string, findings: Finding[]): Finding[] {
  return findings
    .map((f) => {
      let end = f.end;
      while (end > f.start && oddBackslashesBefore(text, end)) end--;
      return end === f.end ? f : { ...f, end };
    })
    .filter((f) => f.end > f.start);
}

function oddBackslashesBefore(text: string, pos: number): boolean {
  let n = 0;
  while (pos - n - 1 >= 0 && text.charCodeAt(pos - n - 1) === 92) n++;
  return n % 2 === 1;
}
