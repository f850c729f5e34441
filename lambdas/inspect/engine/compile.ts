import type { Detector } from '../detectors/detector';
import type { DetectorAction } from '../types';
import { wordTrie } from './word-trie';

/** A detector with the action policy gives it; guards protect spans (redaction markers, placeholders) instead of reporting them. */
export interface ActiveDetector {
  readonly detector: Detector;
  readonly action: Exclude<DetectorAction, 'off'>;
  readonly guard: boolean;
}

/** Literal anchors found by one alternation regex; the longest anchor at a position names every shorter one too. */
export interface LiteralPass {
  readonly kind: 'literal';
  readonly regex: RegExp;
  readonly ignoreCase: boolean;
  readonly byMatch: ReadonlyMap<string, readonly ActiveDetector[]>;
}

/**
 * Lower-case-led anchors with a separator (`ghp_`, `xoxb-`, `sk_live_`, `dop_v1_`) are found from
 * their first separator: one cheap scan for `_ - . ~`, then a lookup on the two characters before
 * it. A regex alternation over a hundred such prefixes tries most positions of ordinary text and
 * is several times slower.
 */
export interface SeparatorPass {
  readonly kind: 'separator';
  /** Matches a separator with the two characters before it, as some anchor has them. */
  readonly regex: RegExp;
  /** Key: two characters before the separator and the separator → anchors (with the separator's offset in them). */
  readonly byKey: ReadonlyMap<number, ReadonlyArray<{ anchor: string; offset: number; entries: readonly ActiveDetector[] }>>;
}

export interface TriggerPass {
  readonly kind: 'trigger';
  readonly regex: RegExp;
  readonly entries: readonly ActiveDetector[];
}

export type Pass = LiteralPass | SeparatorPass | TriggerPass;

/** Detectors compiled for fast scanning. */
export interface CompiledDetectors {
  readonly all: readonly ActiveDetector[];
  /** Guard passes run first: hits inside a guard (a keyword inside `[REDACTED:api_token]`) are skipped. */
  readonly guardPasses: readonly Pass[];
  readonly passes: readonly Pass[];
  /** Longest anchor, trigger match or separator offset: hits closer than this to the end of a stream buffer are not yet known. */
  readonly maxAnchor: number;
  /** Largest `reach.before` of any detector. */
  readonly maxBefore: number;
  /** Largest distance from a hit to the start of its span: how far back a stream rescan starts. */
  readonly maxLead: number;
}

/** Longest text a trigger regex may read past its hit (its lookahead). */
const TRIGGER_MAX = 16;
const SEPARATORS = '_-.~';

/** Where an anchor's first separator is, if the separator pass can find it (lower-case or digit first, two characters before). */
function separatorOffset(anchor: string): number {
  if (!/^[a-z0-9]/.test(anchor)) return -1;
  for (let i = 0; i < anchor.length; i++) {
    if (SEPARATORS.includes(anchor[i]!)) return i >= 2 && /[A-Za-z0-9]{2}/.test(anchor.slice(i - 2, i)) ? i : -1;
  }
  return -1;
}

export const separatorKey = (c1: number, c2: number, sep: number): number => (c1 * 65536 + c2) * 128 + sep;

export function compileDetectors(entries: readonly ActiveDetector[]): CompiledDetectors {
  const detectors = compilePasses(entries.filter((e) => !e.guard));
  const guards = compilePasses(entries.filter((e) => e.guard));
  return {
    all: entries,
    guardPasses: guards.passes,
    passes: detectors.passes,
    maxAnchor: Math.max(detectors.maxAnchor, guards.maxAnchor),
    maxBefore: Math.max(detectors.maxBefore, guards.maxBefore),
    maxLead: Math.max(detectors.maxLead, guards.maxLead),
  };
}

function compilePasses(entries: readonly ActiveDetector[]): Omit<CompiledDetectors, 'all' | 'guardPasses'> {
  const literal = new Map<string, ActiveDetector[]>();
  const literalCi = new Map<string, ActiveDetector[]>();
  const separated = new Map<string, ActiveDetector[]>();
  const passes: Pass[] = [];
  const triggers = new Map<string, { kind: 'trigger'; regex: RegExp; entries: ActiveDetector[] }>();
  let maxAnchor = TRIGGER_MAX;
  let maxBefore = 0;
  let maxLead = 0;
  const add = (table: Map<string, ActiveDetector[]>, key: string, entry: ActiveDetector) => {
    const list = table.get(key) ?? [];
    if (!list.includes(entry)) list.push(entry);
    table.set(key, list);
  };
  for (const entry of entries) {
    const d = entry.detector;
    maxBefore = Math.max(maxBefore, d.reach.before);
    maxLead = Math.max(maxLead, d.reach.lead ?? (d.isOpen ? 32 : d.reach.after));
    if (d.trigger) {
      const flags = d.trigger.flags.includes('g') ? d.trigger.flags : `${d.trigger.flags}g`;
      const key = `/${d.trigger.source}/${flags}`;
      const shared = triggers.get(key);
      if (shared) shared.entries.push(entry);
      else triggers.set(key, { kind: 'trigger', regex: new RegExp(d.trigger.source, flags), entries: [entry] });
    }
    for (const anchor of d.anchors ?? []) {
      maxAnchor = Math.max(maxAnchor, anchor.length);
      if (d.ignoreCase) add(literalCi, anchor.toLowerCase(), entry);
      else if (separatorOffset(anchor) >= 0) add(separated, anchor, entry);
      else add(literal, anchor, entry);
    }
  }
  // Anchors that start with an upper-case letter share one alternation (upper case is rare enough
  // that it stays fast); the few others (`eyJ`, `://`, `@`, `-----BEGIN `) share a second one.
  // Splitting by first character keeps each regex from trying every alternative at every letter.
  const upper = new Map([...literal].filter(([anchor]) => /^[A-Z]/.test(anchor)));
  const other = new Map([...literal].filter(([anchor]) => !upper.has(anchor)));
  if (upper.size) passes.push(literalPass(upper, false));
  if (other.size) passes.push(literalPass(other, false));
  if (literalCi.size) passes.push(literalPass(literalCi, true));
  if (separated.size) passes.push(separatorPass(separated));
  passes.push(...triggers.values());
  return { passes, maxAnchor, maxBefore, maxLead };
}

function literalPass(table: Map<string, ActiveDetector[]>, ignoreCase: boolean): LiteralPass {
  const anchors = [...table.keys()].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  const byMatch = new Map<string, ActiveDetector[]>();
  for (const anchor of anchors) {
    const merged: ActiveDetector[] = [];
    for (const [other, list] of table) {
      if (anchor.startsWith(other)) for (const e of list) if (!merged.includes(e)) merged.push(e);
    }
    byMatch.set(anchor, merged);
  }
  return { kind: 'literal', regex: new RegExp(wordTrie(anchors), ignoreCase ? 'gi' : 'g'), ignoreCase, byMatch };
}

function separatorPass(table: Map<string, ActiveDetector[]>): SeparatorPass {
  const byKey = new Map<number, Array<{ anchor: string; offset: number; entries: readonly ActiveDetector[] }>>();
  for (const [anchor, entries] of table) {
    const offset = separatorOffset(anchor);
    const key = separatorKey(anchor.charCodeAt(offset - 2), anchor.charCodeAt(offset - 1), anchor.charCodeAt(offset));
    const list = byKey.get(key) ?? [];
    list.push({ anchor, offset, entries });
    byKey.set(key, list);
  }
  // Only the characters some anchor has before and at its separator: most separators in ordinary
  // text (after a space, a dot after a word) are then skipped by the regex, not by a lookup.
  const before2 = new Set<string>();
  const before1 = new Set<string>();
  const seps = new Set<string>();
  for (const [anchor] of table) {
    const offset = separatorOffset(anchor);
    before2.add(anchor[offset - 2]!);
    before1.add(anchor[offset - 1]!);
    seps.add(anchor[offset]!);
  }
  return { kind: 'separator', regex: new RegExp(`${charClass(before2)}${charClass(before1)}${charClass(seps)}`, 'g'), byKey };
}

function charClass(chars: Set<string>): string {
  return `[${[...chars].map((c) => c.replace(/[\]\\^-]/, '\\$&')).join('')}]`;
}
