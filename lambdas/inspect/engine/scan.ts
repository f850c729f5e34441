import type { ActiveDetector, CompiledDetectors } from './compile';

export interface Candidate {
  readonly start: number;
  readonly end: number;
  readonly entry: ActiveDetector;
}

export interface ScanOutcome {
  /** Spans found at settled hits, starting at or after `minStart`. */
  candidates: Candidate[];
  /** Spans of guards (markers, placeholders): never masked into, never cut. */
  guards: Candidate[];
  /** Earliest position a span could still start once more text arrives (Infinity when final). */
  pendingFrom: number;
  /** Detectors that threw; the caller must treat this as a failed inspection. */
  failures: Array<{ type: string; error: unknown }>;
}

/**
 * Runs every detector at every hit position at or after `from`. With `final` false the text is a
 * stream buffer that may grow: hits whose result more text could change are left pending.
 */
export function scan(set: CompiledDetectors, text: string, from: number, minStart: number, final: boolean): ScanOutcome {
  const out: ScanOutcome = { candidates: [], guards: [], pendingFrom: Infinity, failures: [] };
  const settledBelow = final ? Infinity : text.length - set.maxAnchor;
  if (!final) out.pendingFrom = Math.max(0, settledBelow - set.maxBefore);
  const visit = (entry: ActiveDetector, at: number): void => {
    const d = entry.detector;
    if (!final && (d.isOpen ? d.isOpen(text, at) : at + d.reach.after > text.length)) {
      out.pendingFrom = Math.min(out.pendingFrom, at - d.reach.before);
      return;
    }
    let span;
    try {
      span = d.detect(text, at);
    } catch (error) {
      out.failures.push({ type: d.type, error });
      return;
    }
    if (span && span.end > span.start && span.start >= minStart) {
      (entry.guard ? out.guards : out.candidates).push({ start: span.start, end: span.end, entry });
    }
  };
  for (const table of [set.caseSensitive, set.caseInsensitive]) {
    if (!table) continue;
    const re = table.regex;
    const lower = re.ignoreCase;
    re.lastIndex = from;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const at = m.index;
      re.lastIndex = at + 1;
      if (at >= settledBelow) break;
      const list = table.byMatch.get(lower ? m[0].toLowerCase() : m[0]);
      if (list) for (const entry of list) visit(entry, at);
    }
  }
  for (const { regex, entry } of set.triggers) {
    regex.lastIndex = from;
    for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
      const at = m.index;
      regex.lastIndex = at + 1;
      if (at >= settledBelow) break;
      visit(entry, at);
    }
  }
  return out;
}
