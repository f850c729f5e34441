import type { Finding } from '../types';
import type { Candidate } from './scan';

/**
 * Turns candidate spans into findings: spans touching a guard are dropped, overlapping spans merge
 * into one finding (so no part of a longer match survives) named by a blocking detector if any,
 * else by the most specific one.
 */
export function resolve(candidates: readonly Candidate[], guards: readonly Candidate[]): Finding[] {
  const kept = guards.length
    ? candidates.filter((c) => !guards.some((g) => g.start < c.end && c.start < g.end))
    : [...candidates];
  kept.sort((a, b) => a.start - b.start || b.end - a.end);
  const findings: Finding[] = [];
  let i = 0;
  while (i < kept.length) {
    let best = kept[i]!;
    let end = best.end;
    let j = i + 1;
    for (; j < kept.length && kept[j]!.start < end; j++) {
      const c = kept[j]!;
      end = Math.max(end, c.end);
      if (outranks(c, best)) best = c;
    }
    const d = best.entry.detector;
    findings.push({ type: d.type, category: d.category, start: kept[i]!.start, end, action: best.entry.action });
    i = j;
  }
  return findings;
}

function outranks(a: Candidate, b: Candidate): boolean {
  if (a.entry.action !== b.entry.action) return a.entry.action === 'block';
  const pa = a.entry.detector.priority;
  const pb = b.entry.detector.priority;
  if (pa !== pb) return pa > pb;
  const la = a.end - a.start;
  const lb = b.end - b.start;
  if (la !== lb) return la > lb;
  if (a.start !== b.start) return a.start < b.start;
  return a.entry.detector.type < b.entry.detector.type;
}

/** The earliest cut at or before `cut` that splits no span. */
export function safeCut(cut: number, spans: ReadonlyArray<{ start: number; end: number }>): number {
  let moved = true;
  while (moved) {
    moved = false;
    for (const s of spans) {
      if (s.start < cut && s.end > cut) {
        cut = s.start;
        moved = true;
      }
    }
  }
  return cut;
}
