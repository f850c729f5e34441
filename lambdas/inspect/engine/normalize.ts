import { CONFUSABLES_TO_ASCII } from './confusables';

/**
 * A normalised view of a text for detectors and risk rules, with the map back to the original:
 * percent-escapes decoded, zero-width and other format characters (Unicode Cf) removed, NFKC
 * applied (full-width and compatibility forms) and characters confusable with ASCII folded to it
 * (Unicode's confusables table, see confusables.ts).
 */
export interface TextView {
  text: string;
  /** Original offset where view character i starts; the text's length for i at or past the view's end. */
  startOf(i: number): number;
  /** Original offset where view character i ends. */
  endOf(i: number): number;
  /** The first view position whose character comes from at or after original offset `at`. */
  indexAt(at: number): number;
  /** View ranges [start, end) that differ from the original text, in order (end = start for a removed character). */
  readonly changes: ReadonlyArray<readonly [number, number]>;
}

/** Plain ASCII with no percent-escape: the view would be the text itself (most text takes this path). */
const NEEDS_VIEW = /[%\u0080-\uffff]/;
const FORMAT_CHAR = /^\p{Cf}$/u;
const HEX2 = /^[0-9a-fA-F]{2}$/;

const folded = new Map<string, string>();

/** One non-ASCII character's normalised form: '' for a format character. Memoised: texts repeat characters. */
function foldChar(ch: string): string {
  let out = folded.get(ch);
  if (out === undefined) {
    out = FORMAT_CHAR.test(ch) ? '' : [...ch.normalize('NFKC')].map((c) => (c.charCodeAt(0) < 128 ? c : (CONFUSABLES_TO_ASCII.get(c) ?? c))).join('');
    if (folded.size < 20_000) folded.set(ch, out);
  }
  return out;
}

/** A run of percent-escapes from `at` decoded as UTF-8, with the characters it spans; null if not valid. */
function percentRun(text: string, at: number): { decoded: string; length: number } | null {
  let hex = '';
  let i = at;
  while (i + 2 < text.length + 0 && text.charCodeAt(i) === 37 && HEX2.test(text.slice(i + 1, i + 3)) && hex.length < 12 * 3) {
    hex += text.slice(i, i + 3);
    i += 3;
    // One character's bytes at most: stop at the first complete character.
    try {
      const decoded = decodeURIComponent(hex);
      return { decoded, length: i - at };
    } catch {
      /* an incomplete UTF-8 sequence: take the next escape */
    }
  }
  return null;
}

/**
 * The view as segments, so the map costs memory per changed character, not per character: a copied
 * run maps view [view, view + length) to original [from, from + length) one to one; a replaced
 * piece maps each of its view characters to the whole original [from, to).
 */
class SegmentedView implements TextView {
  constructor(
    readonly text: string,
    readonly changes: ReadonlyArray<readonly [number, number]>,
    private readonly originalLength: number,
    private readonly view: readonly number[],
    private readonly from: readonly number[],
    private readonly to: readonly number[],
    private readonly copied: readonly boolean[],
  ) {}

  /** The segment holding view position i (the last one starting at or before it). */
  private segmentOf(i: number): number {
    let lo = 0;
    let hi = this.view.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.view[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  startOf(i: number): number {
    if (i >= this.text.length) return this.originalLength;
    const s = this.segmentOf(Math.max(0, i));
    return this.copied[s] ? this.from[s]! + (i - this.view[s]!) : this.from[s]!;
  }

  endOf(i: number): number {
    const s = this.segmentOf(i);
    return this.copied[s] ? this.from[s]! + (i - this.view[s]!) + 1 : this.to[s]!;
  }

  indexAt(at: number): number {
    // The first segment whose last character starts at or after `at` (starts grow along the view).
    let lo = 0;
    let hi = this.view.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const last = this.copied[mid] ? this.to[mid]! - 1 : this.from[mid]!;
      if (last < at) lo = mid + 1;
      else hi = mid;
    }
    if (lo === this.view.length) return this.text.length;
    return this.copied[lo] ? this.view[lo]! + Math.max(0, at - this.from[lo]!) : this.view[lo]!;
  }
}

/** Where the next character that may change in the view is: a percent sign or anything outside ASCII. */
const SPECIAL = new RegExp(NEEDS_VIEW.source, 'g');

/**
 * Whether the view would differ from the text: a valid percent-escape, or a character outside
 * ASCII that normalising changes. Most text outside ASCII (accents, dashes, emoji) has none, and
 * this look costs a fraction of building the view only to find it equal.
 */
function viewDiffers(text: string): boolean {
  SPECIAL.lastIndex = 0;
  for (let m = SPECIAL.exec(text); m !== null; m = SPECIAL.exec(text)) {
    const i = m.index;
    if (text.charCodeAt(i) === 37) {
      if (percentRun(text, i)) return true;
      continue;
    }
    const width = text.codePointAt(i)! > 0xffff ? 2 : 1;
    const ch = text.slice(i, i + width);
    if (foldChar(ch) !== ch) return true;
    SPECIAL.lastIndex = i + width;
  }
  return false;
}

/** The view of a text, or null when it would equal the text. */
export function textView(text: string): TextView | null {
  if (!NEEDS_VIEW.test(text) || !viewDiffers(text)) return null;
  const pieces: string[] = [];
  const view: number[] = [];
  const from: number[] = [];
  const to: number[] = [];
  const copied: boolean[] = [];
  let viewLength = 0;
  const segment = (piece: string, start: number, end: number, copy: boolean) => {
    if (piece.length === 0) return;
    pieces.push(piece);
    const last = copied.length - 1;
    if (copy && last >= 0 && copied[last] && to[last] === start) {
      // Adjacent copied runs (unchanged characters outside ASCII) are one segment.
      to[last] = end;
      viewLength += piece.length;
      return;
    }
    view.push(viewLength);
    from.push(start);
    to.push(end);
    copied.push(copy);
    viewLength += piece.length;
  };
  const changes: Array<[number, number]> = [];
  const change = (length: number) => changes.push([viewLength - length, viewLength]);
  let i = 0;
  while (i < text.length) {
    SPECIAL.lastIndex = i;
    const next = SPECIAL.exec(text)?.index ?? text.length;
    if (next > i) segment(text.slice(i, next), i, next, true);
    i = next;
    if (i >= text.length) break;
    if (text.charCodeAt(i) === 37) {
      const run = percentRun(text, i);
      if (run) {
        const decoded = [...run.decoded].map((ch) => (ch.charCodeAt(0) < 128 ? ch : foldChar(ch))).join('');
        segment(decoded, i, i + run.length, false);
        change(decoded.length);
        i += run.length;
      } else {
        segment('%', i, i + 1, true);
        i++;
      }
      continue;
    }
    const cp = text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    const ch = text.slice(i, i + width);
    const folded = foldChar(ch);
    segment(folded, i, i + width, folded === ch && width === 1);
    if (folded !== ch) change(folded.length);
    i += width;
  }
  return changes.length ? new SegmentedView(pieces.join(''), changes, text.length, view, from, to, copied) : null;
}
