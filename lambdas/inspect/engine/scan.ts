import { type ActiveDetector, type CompiledDetectors, type Pass } from './compile';

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
 * Runs every detector at every hit position in [from, to). With `final` false the text is a
 * stream buffer that may grow: hits whose result more text could change are left pending.
 */
export function scan(set: CompiledDetectors, text: string, from: number, minStart: number, final: boolean, to = text.length): ScanOutcome {
  const out: ScanOutcome = { candidates: [], guards: [], pendingFrom: Infinity, failures: [] };
  const settledBelow = final ? Infinity : text.length - set.maxAnchor;
  if (!final) out.pendingFrom = Math.max(0, settledBelow - set.maxBefore);
  // Hits at or past `to` are not this scan's (a window of the normalised view); past settledBelow they are not known yet.
  const below = Math.min(settledBelow, to);
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
    // Guards are kept even before minStart: hits inside them must be skipped on every rescan.
    if (span && span.end > span.start && (entry.guard || span.start >= minStart)) {
      (entry.guard ? out.guards : out.candidates).push({ start: span.start, end: span.end, entry });
    }
  };
  runPasses(set.guardPasses, text, from, below, visit);
  const guards = out.guards;
  const guardEnds = new Set(guards.map((g) => g.end));
  const outsideGuards = guards.length === 0 ? visit : (entry: ActiveDetector, at: number) => {
    for (const g of guards) if (g.start <= at && at < g.end) return;
    if (guardEnds.has(at) && needsBoundary(entry, text, at)) return;
    visit(entry, at);
  };
  runPasses(set.passes, text, from, below, outsideGuards);
  return out;
}

/**
 * Whether the detector finds a value at `at` only because of the word boundary before it. Right
 * after a marker (`…]password Tr0ub4dor&3`) that boundary may be one masking made: in the original
 * text a finding ended there in a letter or digit (`…6789password Tr0ub4dor&3`), and the detector
 * found nothing. Rescanning masked text must not find more than the first pass did, so such a hit
 * counts only if the detector also finds its value after a word character.
 */
function needsBoundary(entry: ActiveDetector, text: string, at: number): boolean {
  const d = entry.detector;
  if (at === 0) return false;
  const start = Math.max(0, at - d.reach.before);
  const glued = `${text.slice(start, at - 1)}x${text.slice(at, at + d.reach.after + 1)}`;
  try {
    return d.detect(glued, at - start) === null;
  } catch {
    return false;
  }
}

type Visit = (entry: ActiveDetector, at: number) => void;

function runPasses(passes: readonly Pass[], text: string, from: number, limit: number, visit: Visit): void {
  for (const pass of passes) {
    if (pass.kind === 'anchors') {
      pass.automaton.scan(text, from, Math.min(limit, text.length), (anchor, at) => {
        for (const entry of pass.entries[anchor]!) visit(entry, at);
      });
      continue;
    }
    const re = pass.regex;
    re.lastIndex = from;
    if (pass.kind === 'literal') {
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        const at = m.index;
        if (at >= limit) break;
        re.lastIndex = at + 1;
        const list = pass.byMatch.get(pass.ignoreCase ? m[0].toLowerCase() : m[0]);
        if (list) for (const entry of list) visit(entry, at);
      }
    } else {
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        const at = m.index;
        if (at >= limit) break;
        re.lastIndex = at + 1;
        for (const entry of pass.entries) visit(entry, at);
      }
    }
  }
}
