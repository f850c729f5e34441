import type { Finding } from '../types';
import type { Candidate } from './scan';

/**
 * Turns candidate spans into findings: spans overlapping or touching a guard are dropped (a marker
 * must not give a neighbour the word boundary it lacked before masking), overlapping spans merge
 * into one finding (so no part of a longer match survives) named by a blocking detector if any,
 * else by the most specific one.
 */
export function resolve(candidates: readonly Candidate[], guards: readonly Candidate[]): Finding[] {
  const kept = guards.length
    ? candidates.filter((c) => !guards.some((g) => g.start <= c.end && c.start <= g.end))
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

/**
 * The latest cut at or before `cut` that splits no candidate and does not touch a guard (so a
 * guard and a candidate next to it are always decided together).
 */
export function safeCut(cut: number, candidates: ReadonlyArray<{ start: number; end: number }>, guards: ReadonlyArray<{ start: number; end: number }>): number {
  let moved = true;
  while (moved) {
    moved = false;
    for (const s of candidates) {
      if (s.start < cut && s.end > cut) {
        cut = s.start;
        moved = true;
      }
    }
    for (const g of guards) {
      if (g.start <= cut && cut <= g.end && cut > 0) {
        cut = Math.max(0, g.start - 1);
        moved = true;
      }
    }
  }
  return cut;
}
