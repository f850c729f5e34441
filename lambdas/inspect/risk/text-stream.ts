import type { Finding, RiskAssessment, RiskReason } from '../types';
import { riskText, type RiskInput, type RiskRule, type TextReader } from './rule';
import { isEncoded } from './rules/exfiltration';
import { assessRisk } from './score';

/** A text up to this many characters is read as one window (the gateway's body limit is a megabyte by default). */
export const RISK_WINDOW = 1 << 20;
/** How far past RISK_WINDOW a window may run to end at a line outside a comment. */
const SLACK = 1 << 16;

/**
 * Where the window at the start of `text` ends: after the first line break at or past RISK_WINDOW
 * that is outside a block comment and followed by a character outside base64/hex runs (so a cut
 * splits no comment, encoded blob, file marker or word), else at RISK_WINDOW + SLACK. Undefined
 * while more text could still move it: the cuts depend on the text alone, never on its chunks.
 */
function windowEnd(text: string, final: boolean): number | undefined {
  if (text.length <= RISK_WINDOW) return final && text.length > 0 ? text.length : undefined;
  const limit = Math.min(text.length, RISK_WINDOW + SLACK);
  for (let p = text.indexOf('\n', RISK_WINDOW - 1) + 1; p > 0 && p < limit; p = text.indexOf('\n', p) + 1) {
    if (!isEncoded(text.charCodeAt(p)) && !inBlockComment(text, p)) return p;
  }
  if (text.length <= RISK_WINDOW + SLACK) return final ? text.length : undefined;
  const hard = RISK_WINDOW + SLACK;
  const low = text.charCodeAt(hard);
  return low >= 0xdc00 && low <= 0xdfff ? hard - 1 : hard;
}

/**
 * Whether a line start may lie inside a `/* … *\/` comment that riskView removes: the last `/*`
 * before it is not closed before it (it may close further on). The text starts outside a comment.
 */
function inBlockComment(text: string, lineStart: number): boolean {
  const open = text.lastIndexOf('/*', lineStart - 2);
  if (open < 0) return false;
  const close = text.indexOf('*/', open + 2);
  return close < 0 || close + 2 > lineStart;
}

/**
 * The risk rules over one user text that arrives in pieces (`airlock scan` of a file of any
 * size), keeping only the window being read. A text of up to RISK_WINDOW characters is one window,
 * scored exactly as the gateway scores it as the user turn of a prompt. A longer one is read window
 * by window, each a `continued` part of the same text, so counts per text carry over; what such a
 * text cannot give is a match that spans the line break at a cut (one per megabyte). Rules read
 * the windows through their readers; a rule without one sees no text.
 */
export class TextRiskStream {
  private pending = '';
  private windowsRead = 0;
  private readonly readers = new Map<RiskRule, TextReader>();
  private readonly failed = new Set<RiskRule>();

  constructor(
    private readonly policy: RiskInput['policy'],
    private readonly rules: readonly RiskRule[],
  ) {
    for (const rule of rules) {
      if (!rule.reader) continue;
      try {
        this.readers.set(rule, rule.reader(policy));
      } catch {
        this.failed.add(rule);
      }
    }
  }

  push(chunk: string): void {
    this.pending += chunk;
    // Past RISK_WINDOW + SLACK the cut is known (it is the same cut whenever it is looked for).
    if (this.pending.length > RISK_WINDOW + SLACK) this.windows(false);
  }

  end(): void {
    this.windows(true);
  }

  /** A whole text at once; `normalised` is its view when already computed (used when the text is one window). */
  whole(text: string, normalised?: string): void {
    if (this.pending === '' && this.windowsRead === 0 && text.length > 0 && windowEnd(text, true) === text.length) {
      this.window(text, normalised);
      return;
    }
    this.push(text);
    this.end();
  }

  /** The assessment from every window read and the findings of the whole text. */
  assess(findings: readonly Finding[], extra: RiskReason[] = []): RiskAssessment {
    const input: RiskInput = { texts: [], findings, policy: this.policy };
    // Each rule as it stands after the windows: its reader's signals, or its error.
    const read = this.rules.map(
      (rule): RiskRule => ({
        id: rule.id,
        evaluate: () => {
          if (this.failed.has(rule)) throw new Error(`risk rule ${rule.id} failed`);
          const reader = this.readers.get(rule);
          return reader ? reader.signals(input) : rule.evaluate(input);
        },
      }),
    );
    return assessRisk(input, read, extra);
  }

  private windows(final: boolean): void {
    for (let end = windowEnd(this.pending, final); end !== undefined; end = windowEnd(this.pending, final)) {
      const text = this.pending.slice(0, end);
      this.pending = this.pending.slice(end);
      this.window(text);
    }
  }

  private window(text: string, normalised?: string): void {
    const window = riskText('user', text, false, normalised);
    if (this.windowsRead++ > 0) window.continued = true;
    for (const [rule, reader] of this.readers) {
      if (this.failed.has(rule)) continue;
      try {
        reader.read(window);
      } catch {
        this.failed.add(rule);
      }
    }
  }
}
