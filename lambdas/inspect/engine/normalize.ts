import { CONFUSABLES_TO_ASCII } from './confusables';

/**
 * A normalised view of a text for detectors and risk rules, with the map back to the original:
 * percent-escapes decoded, zero-width and other format characters (Unicode Cf) removed, NFKC
 * applied (full-width and compatibility forms) and characters confusable with ASCII folded to it
 * (Unicode's confusables table, see confusables.ts). View character i came from original [start[i], end[i]).
 */
export interface TextView {
  text: string;
  start: number[];
  end: number[];
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

/** The view of a text, or null when it would equal the text. */
export function textView(text: string): TextView | null {
  if (!NEEDS_VIEW.test(text)) return null;
  let out = '';
  const start: number[] = [];
  const end: number[] = [];
  const push = (s: string, from: number, to: number) => {
    for (let k = 0; k < s.length; k++) {
      start.push(from);
      end.push(to);
    }
    out += s;
  };
  let changed = false;
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c === 37) {
      const run = percentRun(text, i);
      if (run) {
        const view = [...run.decoded].map((ch) => (ch.charCodeAt(0) < 128 ? ch : foldChar(ch))).join('');
        push(view, i, i + run.length);
        i += run.length;
        changed = true;
        continue;
      }
    }
    if (c < 128) {
      push(text[i]!, i, i + 1);
      i++;
      continue;
    }
    const cp = text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    const ch = text.slice(i, i + width);
    const view = foldChar(ch);
    if (view !== ch) changed = true;
    push(view, i, i + width);
    i += width;
  }
  return changed ? { text: out, start, end } : null;
}
