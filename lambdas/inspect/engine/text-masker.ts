import { inspectionFailed } from '../../shared/errors';
import type { Finding, StreamMasker } from '../types';
import type { CompiledDetectors } from './compile';
import { applyFindings, jsonSafe, redact, type Replacement } from './mask';
import { resolve, safeCut } from './resolve';
import { textView, type TextView } from './normalize';
import { scanNormalised } from './view-detect';

export class DetectorFailure extends Error {
  override readonly name = 'DetectorFailure';
  constructor(
    readonly types: string[],
    cause: unknown,
  ) {
    super(`detector failed: ${types.join(', ')}`, { cause });
  }
}

export interface Detection {
  findings: Finding[];
  /** Types of detectors that threw: the text was not fully inspected. */
  failed: string[];
  cause?: unknown;
}

/** Everything the detectors see in a whole text (and its normalised view, given when already computed). */
export function detect(set: CompiledDetectors, text: string, json = false, view?: TextView | null): Detection {
  const out = scanNormalised(set, text, 0, 0, true, view === undefined ? textView(text) : view);
  const findings = resolve(out.candidates, out.guards);
  return {
    findings: json ? jsonSafe(text, findings) : findings,
    failed: [...new Set(out.failures.map((f) => f.type))],
    cause: out.failures[0]?.error,
  };
}

/**
 * The stream masker. It keeps the text not yet emitted plus enough context before it for
 * detectors that look back. On each push it emits everything before the earliest position where a
 * match could still start or grow (a bounded tail, longer only inside an open PEM block or token),
 * never cutting a finding or placeholder in two. Rescans cover only the held tail, so total work
 * is linear in the stream's length.
 */
export class StreamingMasker implements StreamMasker {
  private buffer = '';
  /** Absolute stream offset of buffer[0]. */
  private base = 0;
  /** Absolute offset up to which output has been emitted. */
  private committed = 0;
  private readonly found: Finding[] = [];
  private ended = false;

  constructor(
    private readonly set: CompiledDetectors,
    private readonly replace: Replacement = redact,
    private readonly json = false,
  ) {}

  get findings(): readonly Finding[] {
    return this.found;
  }

  /** Characters received but not yet emitted. */
  get held(): number {
    return this.base + this.buffer.length - this.committed;
  }

  push(chunk: string): string {
    if (this.ended) throw new Error('stream masker already ended');
    if (chunk.length === 0) return '';
    this.buffer += chunk;
    return this.flush(false);
  }

  end(): string {
    if (this.ended) return '';
    const out = this.flush(true);
    this.ended = true;
    return out;
  }

  private flush(final: boolean): string {
    const { set, buffer } = this;
    const committed = this.committed - this.base;
    if (!final && buffer.length - set.maxAnchor - set.maxBefore <= committed) return '';
    const out = scanNormalised(set, buffer, Math.max(0, committed - set.maxLead), committed, final);
    if (out.failures.length) throw inspectionFailed(new DetectorFailure([...new Set(out.failures.map((f) => f.type))], out.failures[0]?.error));
    let cut = final ? buffer.length : Math.min(out.pendingFrom, buffer.length);
    if (cut <= committed) return '';
    if (!final) cut = safeCut(cut, out.candidates, out.guards);
    if (cut <= committed) return '';
    const inRange = (c: { end: number }) => c.end <= cut;
    let findings = resolve(out.candidates.filter(inRange), out.guards.filter(inRange));
    if (this.json) findings = jsonSafe(buffer, findings);
    const text = applyFindings(buffer, findings, committed, cut, this.replace);
    for (const f of findings) this.found.push({ ...f, start: f.start + this.base, end: f.end + this.base });
    this.committed = this.base + cut;
    const keepFrom = Math.max(0, cut - set.maxLead - set.maxBefore);
    if (keepFrom > 0) {
      this.buffer = buffer.slice(keepFrom);
      this.base += keepFrom;
    }
    return text;
  }
}
