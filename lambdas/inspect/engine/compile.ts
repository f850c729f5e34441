import type { Detector } from '../detectors/detector';
import type { DetectorAction } from '../types';
import { anchorAutomaton, automatonAccepts, type AnchorAutomaton, type AnchorSpec } from './anchor-automaton';
import { wordTrie } from './word-trie';

/** A detector with the action policy gives it; guards protect spans (redaction markers, placeholders) instead of reporting them. */
export interface ActiveDetector {
  readonly detector: Detector;
  readonly action: Exclude<DetectorAction, 'off'>;
  readonly guard: boolean;
}

/**
 * Every ASCII anchor of a detector set in one Aho–Corasick automaton (anchor-automaton.ts): one
 * pass over the text whatever the number of anchors. `entries[i]` are the detectors to run where
 * anchor i starts, without those a shorter anchor at the same position already runs.
 */
export interface AnchorPass {
  readonly kind: 'anchors';
  readonly automaton: AnchorAutomaton;
  readonly entries: ReadonlyArray<readonly ActiveDetector[]>;
}

/** A few anchors, or anchors the automaton cannot take (a custom word list in another script), share one alternation regex. */
export interface LiteralPass {
  readonly kind: 'literal';
  readonly regex: RegExp;
  readonly ignoreCase: boolean;
  readonly byMatch: ReadonlyMap<string, readonly ActiveDetector[]>;
}

export interface TriggerPass {
  readonly kind: 'trigger';
  readonly regex: RegExp;
  readonly entries: readonly ActiveDetector[];
}

export type Pass = AnchorPass | LiteralPass | TriggerPass;

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
  /** Largest `reach.after` of any detector: how far before a changed character a hit can still read it. */
  readonly maxAfter: number;
  /** Largest distance from a hit to the start of its span: how far back a stream rescan starts. */
  readonly maxLead: number;
}

/**
 * Up to this many anchors (the guards' `[REDACTED:`) a regex finds them faster than the automaton:
 * it skips ahead to a literal's rare first character instead of reading every character.
 */
const FEW_ANCHORS = 4;

/** Longest text a trigger regex may read past its hit (its lookahead). */
const TRIGGER_MAX = 16;

export function compileDetectors(entries: readonly ActiveDetector[]): CompiledDetectors {
  const detectors = compilePasses(entries.filter((e) => !e.guard));
  const guards = compilePasses(entries.filter((e) => e.guard));
  return {
    all: entries,
    guardPasses: guards.passes,
    passes: detectors.passes,
    maxAnchor: Math.max(detectors.maxAnchor, guards.maxAnchor),
    maxBefore: Math.max(detectors.maxBefore, guards.maxBefore),
    maxAfter: Math.max(detectors.maxAfter, guards.maxAfter),
    maxLead: Math.max(detectors.maxLead, guards.maxLead),
  };
}

function compilePasses(entries: readonly ActiveDetector[]): Omit<CompiledDetectors, 'all' | 'guardPasses'> {
  const anchored = new Map<string, { spec: AnchorSpec; entries: ActiveDetector[] }>();
  const fewOrOtherScript = new Map<string, ActiveDetector[]>();
  const fewOrOtherScriptCi = new Map<string, ActiveDetector[]>();
  const passes: Pass[] = [];
  const triggers = new Map<string, { kind: 'trigger'; regex: RegExp; entries: ActiveDetector[] }>();
  let maxAnchor = TRIGGER_MAX;
  let maxBefore = 0;
  let maxAfter = 0;
  let maxLead = 0;
  const add = (table: Map<string, ActiveDetector[]>, key: string, entry: ActiveDetector) => {
    const list = table.get(key) ?? [];
    if (!list.includes(entry)) list.push(entry);
    table.set(key, list);
  };
  for (const entry of entries) {
    const d = entry.detector;
    maxBefore = Math.max(maxBefore, d.reach.before);
    maxAfter = Math.max(maxAfter, d.reach.after);
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
      const ignoreCase = d.ignoreCase === true;
      if (!automatonAccepts(anchor)) {
        if (ignoreCase) add(fewOrOtherScriptCi, anchor.toLowerCase(), entry);
        else add(fewOrOtherScript, anchor, entry);
        continue;
      }
      const spec = { text: ignoreCase ? anchor.toLowerCase() : anchor, ignoreCase };
      const key = anchorKey(spec);
      const slot = anchored.get(key) ?? { spec, entries: [] };
      if (!slot.entries.includes(entry)) slot.entries.push(entry);
      anchored.set(key, slot);
    }
  }
  if (anchored.size > FEW_ANCHORS) passes.push(anchorPass([...anchored.values()]));
  else {
    for (const { spec, entries: list } of anchored.values()) for (const e of list) add(spec.ignoreCase ? fewOrOtherScriptCi : fewOrOtherScript, spec.text, e);
  }
  if (fewOrOtherScript.size) passes.push(literalPass(fewOrOtherScript, false));
  if (fewOrOtherScriptCi.size) passes.push(literalPass(fewOrOtherScriptCi, true));
  passes.push(...triggers.values());
  return { passes, maxAnchor, maxBefore, maxAfter, maxLead };
}

/**
 * Where anchor P is a prefix of anchor A and every match of A is a match of P (P ignores case, or
 * neither does), a detector of both already runs at P's hit: A's list leaves it out, so each
 * detector runs once per position, as with a regex alternation that takes the longest anchor.
 */
function anchorPass(slots: ReadonlyArray<{ spec: AnchorSpec; entries: readonly ActiveDetector[] }>): AnchorPass {
  const byKey = new Map(slots.map((slot) => [anchorKey(slot.spec), slot]));
  const entries = slots.map(({ spec, entries: own }) => {
    // The shorter anchors every match of this one matches too: its case-folded prefixes, and its
    // exact prefixes when both are case-sensitive.
    const prefixes: Array<{ entries: readonly ActiveDetector[] }> = [];
    for (let n = 1; n < spec.text.length; n++) {
      const folded = byKey.get(anchorKey({ text: spec.text.slice(0, n).toLowerCase(), ignoreCase: true }));
      if (folded) prefixes.push(folded);
      const exact = spec.ignoreCase ? undefined : byKey.get(anchorKey({ text: spec.text.slice(0, n), ignoreCase: false }));
      if (exact) prefixes.push(exact);
    }
    return prefixes.length ? own.filter((entry) => !prefixes.some((p) => p.entries.includes(entry))) : own;
  });
  return { kind: 'anchors', automaton: anchorAutomaton(slots.map((s) => s.spec)), entries };
}

/** Anchors are kept lower case when they ignore case: one key per distinct anchor. */
const anchorKey = (spec: AnchorSpec): string => `${spec.ignoreCase ? 'i' : 's'}${spec.text}`;

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
