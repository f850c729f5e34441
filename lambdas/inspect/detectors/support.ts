import type { Category } from '../types';
import type { DetectedSpan, Detector } from './detector';

/** Letters and digits. */
export function isAlnum(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** Characters of identifiers in most languages and configs: letters, digits, `_`. */
export function isWordCode(code: number): boolean {
  return isAlnum(code) || code === 95;
}

/** The hit starts a token: the character before it is not a letter, digit or `_` (NaN at the start). */
export function atTokenStart(text: string, at: number): boolean {
  return at === 0 || !isWordCode(text.charCodeAt(at - 1));
}

/** Stricter than a token start: not inside a word, a file name, a path or a hyphenated name either. */
export function atTokenBoundary(text: string, at: number): boolean {
  if (at === 0) return true;
  const c = text.charCodeAt(at - 1);
  if (c === 47) return inUrl(text, at - 1);
  return !isWordCode(c) && c !== 46 && c !== 45;
}

/**
 * Whether `slash` is in the authority or path of a URL (`https://<token>@host`, `/v1/keys/<token>/`):
 * a `scheme://` earlier in the same run of non-space characters. A file path's `/` is not.
 */
function inUrl(text: string, slash: number): boolean {
  for (let i = slash; i >= 2 && slash - i < 256; i--) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 9 || c === 34 || c === 39) return false;
    if (c === 47 && text.charCodeAt(i - 1) === 47 && text.charCodeAt(i - 2) === 58) return true;
  }
  return false;
}

/** Scratch counts per UTF-16 code unit for `entropy`, left all zero between calls. */
const counts = new Int32Array(65536);
const seen: number[] = [];

/** Shannon entropy in bits per character (summed in order of first occurrence, so results are stable to the last bit). */
export function entropy(s: string): number {
  if (s.length === 0) return 0;
  seen.length = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const n = counts[c]!;
    if (n === 0) seen.push(c);
    counts[c] = n + 1;
  }
  let h = 0;
  for (const c of seen) {
    const p = counts[c]! / s.length;
    h -= p * Math.log2(p);
    counts[c] = 0;
  }
  return h;
}

/**
 * Values that stand in for a secret rather than being one: template variables, angle-bracket
 * hints, runs of one character, and the usual "your key here" words.
 */
export function isPlaceholder(value: string): boolean {
  if (/^[<{[(]|[>}\])]$/.test(value)) return true;
  if (/\$\{|\{\{|%\(|^\$[A-Za-z_]|^%[A-Za-z_]+%$|^process\.env|^os\.environ|^env\(/i.test(value)) return true;
  if (/^(.)\1+$/.test(value) || /EXAMPLE(?:KEY)?$/.test(value)) return true;
  if (/(?:x{4,}|\*{3,}|\.{3,}|_{4,}|0{8,}|#{3,})/i.test(value)) return true;
  return /(?:^|[^a-z])(?:your|my)[_\- ]?(?:[a-z]+[_\- ]?)?(?:key|token|secret|password|pass|pwd|api|id)|(?:^|[^a-z])(?:placeholder|changeme|change[_-]me|redacted|dummy|sample|insert[_-]|replace[_-]?me|example[_-]?(?:key|token|secret|password))/i.test(
    value,
  );
}

/** A run of eight or more consecutive letters or digits (`abcdefgh`, `12345678`): a made-up value. */
export function hasSequence(value: string, run = 8): boolean {
  let n = 1;
  for (let i = 1; i < value.length; i++) {
    n = value.charCodeAt(i) === value.charCodeAt(i - 1) + 1 ? n + 1 : 1;
    if (n >= run) return true;
  }
  return false;
}

/** Words of an identifier-like value (`SalesResults-1.2`, `DOC_Vector_5_32`): names, not secrets. */
function wordCount(value: string): number {
  let words = 0;
  for (const part of value.split(/[-_.:/ ]+/)) {
    if (/^(?:[A-Z][a-z]{2,}|[a-z]{3,})(?:[A-Z][a-z]{2,})*$/.test(part)) words += part.split(/(?=[A-Z])/).length;
    else if (/^[A-Z]{3,}$/.test(part)) words++;
  }
  return words;
}

/**
 * Whether a value looks randomly generated, judged against its own alphabet: digits-only and
 * hex values carry fewer bits per character than mixed ones, so their bar is lower.
 */
export function looksRandom(value: string): boolean {
  if (hasSequence(value) || /(.)\1{5,}/.test(value)) return false;
  const h = entropy(value);
  if (/^[0-9]+$/.test(value)) return value.length >= 16 && h >= 2.7;
  if (/^[0-9a-fA-F:-]+$/.test(value)) return value.length >= 16 && h >= 2.8;
  if (wordCount(value) >= 2) return false;
  return h >= 3.5;
}

/** Lowercase-or-digit, uppercase, digit classes present in a value. */
export function charClasses(value: string): number {
  let n = 0;
  if (/[a-z]/.test(value)) n++;
  if (/[A-Z]/.test(value)) n++;
  if (/[0-9]/.test(value)) n++;
  if (/[^A-Za-z0-9]/.test(value)) n++;
  return n;
}

/** Prefix plus body longer than this: the detector is open-ended for the stream masker. */
const LONG_TOKEN = 160;

export interface PrefixedTokenSpec {
  type: string;
  category?: Category;
  priority?: number;
  /** Literal prefixes that start the token (anchors). */
  prefixes: readonly string[];
  /** What follows the prefix, as regex source; matched right after the prefix. */
  body: string;
  /** Longest possible body, for the streaming bound. */
  maxBody: number;
  /** Characters that must not follow the token (regex class source); default letters and digits. */
  notFollowedBy?: string;
  /** Allow a word character right before the prefix (the prefix itself is distinctive enough). */
  midWord?: boolean;
  /** Further checks on the whole token (prefix + body), e.g. a checksum or entropy. */
  validate?: (token: string) => boolean;
  /** Letters and digits that belong to the token before the anchor (`….atlasv1.…`). */
  lookBehind?: number;
  /** Accept runs of one character (formats whose alphabet makes that plausible). */
  allowRepeats?: boolean;
}

/** A validator: the token's entropy is above `bits` per character. */
export const entropyOver =
  (bits: number) =>
  (token: string): boolean =>
    entropy(token) > bits;

/**
 * Runs of `x`, `#`, `*` or `.`, or one character eight times over, mark documentation stand-ins
 * (`xoxb-xxxxxxxx`, `glc_1111…`), not tokens; so does a token trailing off into `####`.
 */
export function looksFilledIn(body: string, after = ''): boolean {
  return /x{5,}|X{5,}|#{3,}|\*{3,}|\.{3,}|(.)\1{7,}/.test(body) || /^[#*]/.test(after);
}

/** A detector for tokens that start with a vendor prefix, e.g. `ghp_`, `xoxb-`, `AKIA`. */
export function prefixedToken(spec: PrefixedTokenSpec): Detector {
  const follow = spec.notFollowedBy ?? 'A-Za-z0-9';
  const body = new RegExp(`(?:${spec.body})(?![${follow}])`, 'y');
  const maxPrefix = Math.max(...spec.prefixes.map((p) => p.length));
  const behind = spec.lookBehind ?? 0;
  // Every character any body may contain: while this run reaches the end of the buffer, the body may still grow.
  const run = /[A-Za-z0-9+/=_.~%@-]*/y;
  const long = maxPrefix + spec.maxBody > LONG_TOKEN;
  return {
    type: spec.type,
    category: spec.category ?? 'secret',
    priority: spec.priority ?? 50,
    anchors: spec.prefixes,
    reach: { before: behind + 1, after: maxPrefix + spec.maxBody + 1 },
    detect(text: string, at: number): DetectedSpan | null {
      const start = at - behind;
      if (start < 0) return null;
      for (let i = start; i < at; i++) if (!isAlnum(text.charCodeAt(i))) return null;
      if (!spec.midWord && !atTokenBoundary(text, start)) return null;
      if (behind && !atTokenStart(text, start)) return null;
      for (const prefix of spec.prefixes) {
        if (!text.startsWith(prefix, at)) continue;
        body.lastIndex = at + prefix.length;
        const m = body.exec(text);
        if (!m) continue;
        const end = at + prefix.length + m[0].length;
        if (!spec.allowRepeats && looksFilledIn(m[0], text.slice(end, end + 1))) continue;
        if (spec.validate && !spec.validate(text.slice(start, end))) continue;
        return { start, end };
      }
      return null;
    },
    // Long tokens are held back only while they are still growing, not for their full length.
    isOpen: long
      ? (text: string, at: number): boolean => {
          const prefix = spec.prefixes.find((p) => text.startsWith(p, at));
          if (prefix === undefined) return false;
          run.lastIndex = at + prefix.length;
          const length = run.exec(text)![0].length;
          return at + prefix.length + length >= text.length && length <= spec.maxBody;
        }
      : undefined,
  };
}
