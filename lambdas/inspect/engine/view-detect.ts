import type { CompiledDetectors } from './compile';
import { textView, type TextView } from './normalize';
import { scan, type Candidate, type ScanOutcome } from './scan';

/** The first view position whose character comes from at or after original offset `at`. */
function viewIndex(view: TextView, at: number): number {
  let lo = 0;
  let hi = view.start.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (view.start[mid]! < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const originalAt = (view: TextView, i: number, length: number): number => (i <= 0 ? 0 : i < view.start.length ? view.start[i]! : length);

/**
 * `scan` over a text and over its normalised view (normalize.ts): a key hidden by a zero-width
 * character, full-width letters or percent-escapes is found in the view and its span mapped back,
 * so masking replaces exactly the original characters. Spans of the text itself win over view
 * spans they overlap. Whole-text masking and the stream masker both scan through here, so they agree.
 */
export function scanNormalised(
  set: CompiledDetectors,
  text: string,
  from: number,
  minStart: number,
  final: boolean,
  view: TextView | null = textView(text),
): ScanOutcome {
  const direct = scan(set, text, from, minStart, final);
  if (!view) return direct;
  const seen = scan(set, view.text, viewIndex(view, from), viewIndex(view, minStart), final);
  const candidates: Candidate[] = [...direct.candidates];
  for (const c of seen.candidates) {
    const start = originalAt(view, c.start, text.length);
    const end = view.end[c.end - 1]!;
    if (direct.candidates.some((d) => d.start < end && start < d.end)) continue;
    candidates.push({ start, end, entry: c.entry });
  }
  return {
    candidates,
    guards: direct.guards,
    pendingFrom: Math.min(direct.pendingFrom, seen.pendingFrom === Infinity ? Infinity : originalAt(view, seen.pendingFrom, text.length)),
    failures: [...direct.failures, ...seen.failures],
  };
}
