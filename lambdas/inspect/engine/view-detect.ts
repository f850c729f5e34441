import type { CompiledDetectors } from './compile';
import { textView, type TextView } from './normalize';
import { scan, type Candidate, type ScanOutcome } from './scan';

/** Where view position i starts in the original; a span at the view's start takes the characters the view dropped before it. */
const originalAt = (view: TextView, i: number): number => (i <= 0 ? 0 : view.startOf(i));

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
  const candidates: Candidate[] = [...direct.candidates];
  const failures = [...direct.failures];
  let pendingFrom = direct.pendingFrom;
  const viewFrom = view.indexAt(from);
  const viewMinStart = view.indexAt(minStart);
  // Only hits that can read a changed character can find what the text itself did not: scan the
  // view in windows around the changes (a detector reads `reach.before` back and `reach.after` on).
  for (const [start, end] of viewWindows(view, set.maxAfter + set.maxAnchor, set.maxBefore + set.maxAnchor)) {
    if (end <= viewFrom) continue;
    // The view cut past what a hit in the window can read: a regex pass then never searches the
    // rest of the view once per window. With the whole reach there, the window's hits are settled.
    const cutAt = end + set.maxAfter + set.maxAnchor + 1;
    const windowText = cutAt < view.text.length ? view.text.slice(0, cutAt) : view.text;
    const seen = scan(set, windowText, Math.max(viewFrom, start), viewMinStart, final || windowText !== view.text, end);
    for (const c of seen.candidates) {
      const spanStart = originalAt(view, c.start);
      const spanEnd = view.endOf(c.end - 1);
      if (direct.candidates.some((d) => d.start < spanEnd && spanStart < d.end)) continue;
      candidates.push({ start: spanStart, end: spanEnd, entry: c.entry });
    }
    failures.push(...seen.failures);
    if (seen.pendingFrom !== Infinity) pendingFrom = Math.min(pendingFrom, originalAt(view, seen.pendingFrom));
  }
  return { candidates, guards: direct.guards, pendingFrom, failures };
}

/** View ranges around the changes, `before` positions ahead of each and `after` past it, merged. */
function viewWindows(view: TextView, before: number, after: number): Array<[number, number]> {
  const windows: Array<[number, number]> = [];
  for (const [start, end] of view.changes) {
    const from = Math.max(0, start - before);
    const to = Math.min(view.text.length, end + after + 1);
    const last = windows[windows.length - 1];
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else windows.push([from, to]);
  }
  return windows;
}
