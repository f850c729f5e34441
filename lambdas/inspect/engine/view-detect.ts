import type { Finding } from '../types';
import type { CompiledDetectors } from './compile';
import { jsonSafe } from './mask';
import { spanInOriginal, textView, type TextView } from './normalize';
import { detect, type Detection } from './text-masker';

/**
 * Detection on a text and on its normalised view (normalize.ts): a key hidden by a zero-width
 * character, full-width letters or percent-escapes is found in the view and its span mapped back,
 * so masking replaces exactly the original characters. Spans found in the text itself win.
 */
export function detectNormalised(set: CompiledDetectors, text: string, json = false, view: TextView | null = textView(text)): Detection {
  const direct = detect(set, text, json);
  if (!view) return direct;
  const seen = detect(set, view.text, false);
  if (seen.failed.length) return { ...direct, failed: [...new Set([...direct.failed, ...seen.failed])], cause: direct.cause ?? seen.cause };
  const extra: Finding[] = [];
  for (const f of seen.findings) {
    const span = spanInOriginal(view, f.start, f.end);
    if (direct.findings.some((d) => d.start < span.end && span.start < d.end)) continue;
    if (extra.some((d) => d.start < span.end && span.start < d.end)) continue;
    extra.push({ ...f, ...span });
  }
  if (!extra.length) return direct;
  const merged = [...direct.findings, ...extra].sort((a, b) => a.start - b.start);
  return { ...direct, findings: json ? jsonSafe(text, merged) : merged };
}
