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

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
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
  if (/^(.)\1+$/.test(value)) return true;
  if (/(?:x{4,}|\*{3,}|\.{3,}|_{4,}|0{8,}|#{3,})/i.test(value)) return true;
  return /(?:^|[^a-z])(?:your|my)[_\- ]?(?:[a-z]+[_\- ]?)?(?:key|token|secret|password|pass|pwd|api|id)|(?:^|[^a-z])(?:placeholder|changeme|change[_-]me|redacted|dummy|sample|insert[_-]|replace[_-]?me|example[_-]?(?:key|token|secret|password))/i.test(
    value,
  );
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
}

/** A detector for tokens that start with a vendor prefix, e.g. `ghp_`, `xoxb-`, `AKIA`. */
export function prefixedToken(spec: PrefixedTokenSpec): Detector {
  const follow = spec.notFollowedBy ?? 'A-Za-z0-9';
  const body = new RegExp(`(?:${spec.body})(?![${follow}])`, 'y');
  const maxPrefix = Math.max(...spec.prefixes.map((p) => p.length));
  return {
    type: spec.type,
    category: spec.category ?? 'secret',
    priority: spec.priority ?? 50,
    anchors: spec.prefixes,
    reach: { before: 1, after: maxPrefix + spec.maxBody + 1 },
    detect(text: string, at: number): DetectedSpan | null {
      if (!spec.midWord && !atTokenStart(text, at)) return null;
      for (const prefix of spec.prefixes) {
        if (!text.startsWith(prefix, at)) continue;
        body.lastIndex = at + prefix.length;
        const m = body.exec(text);
        if (!m) continue;
        const end = at + prefix.length + m[0].length;
        if (spec.validate && !spec.validate(text.slice(at, end))) continue;
        return { start: at, end };
      }
      return null;
    },
  };
}
