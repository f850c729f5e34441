import type { Detector } from '../detectors/detector';
import type { DetectorAction } from '../types';

/** A detector with the action policy gives it; guards protect spans (redaction markers, placeholders) instead of reporting them. */
export interface ActiveDetector {
  readonly detector: Detector;
  readonly action: Exclude<DetectorAction, 'off'>;
  readonly guard: boolean;
}

interface AnchorTable {
  readonly regex: RegExp;
  /** Longest anchor at a position → every active detector anchored by it or by one of its prefixes. */
  readonly byMatch: ReadonlyMap<string, readonly ActiveDetector[]>;
}

/** Detectors compiled for fast scanning: all literal anchors in two combined regexes, triggers apart. */
export interface CompiledDetectors {
  readonly all: readonly ActiveDetector[];
  readonly caseSensitive: AnchorTable | null;
  readonly caseInsensitive: AnchorTable | null;
  readonly triggers: ReadonlyArray<{ readonly regex: RegExp; readonly entry: ActiveDetector }>;
  /** Longest anchor or trigger match: hits closer than this to the end of a stream buffer are not yet known. */
  readonly maxAnchor: number;
  /** Largest `reach.before` of any detector. */
  readonly maxBefore: number;
  /** Largest `reach.after` among bounded (not open) detectors: how far back a stream rescan starts. */
  readonly maxAfter: number;
}

const TRIGGER_MAX = 8;

export function compileDetectors(entries: readonly ActiveDetector[]): CompiledDetectors {
  const cs = new Map<string, ActiveDetector[]>();
  const ci = new Map<string, ActiveDetector[]>();
  const triggers: Array<{ regex: RegExp; entry: ActiveDetector }> = [];
  let maxAnchor = TRIGGER_MAX;
  let maxBefore = 0;
  let maxAfter = 0;
  for (const entry of entries) {
    const d = entry.detector;
    maxBefore = Math.max(maxBefore, d.reach.before);
    if (!d.isOpen) maxAfter = Math.max(maxAfter, d.reach.after);
    if (d.trigger) {
      triggers.push({ regex: new RegExp(d.trigger.source, d.trigger.flags.includes('g') ? d.trigger.flags : `${d.trigger.flags}g`), entry });
    }
    for (const anchor of d.anchors ?? []) {
      const table = d.ignoreCase ? ci : cs;
      const key = d.ignoreCase ? anchor.toLowerCase() : anchor;
      const list = table.get(key) ?? [];
      if (!list.includes(entry)) list.push(entry);
      table.set(key, list);
      maxAnchor = Math.max(maxAnchor, key.length);
    }
  }
  return {
    all: entries,
    caseSensitive: anchorTable(cs, ''),
    caseInsensitive: anchorTable(ci, 'i'),
    triggers,
    maxAnchor,
    maxBefore,
    maxAfter,
  };
}

function anchorTable(table: Map<string, ActiveDetector[]>, flags: string): AnchorTable | null {
  if (table.size === 0) return null;
  const anchors = [...table.keys()].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  const byMatch = new Map<string, ActiveDetector[]>();
  for (const anchor of anchors) {
    const merged: ActiveDetector[] = [];
    for (const [other, list] of table) {
      if (anchor.startsWith(other)) for (const e of list) if (!merged.includes(e)) merged.push(e);
    }
    byMatch.set(anchor, merged);
  }
  return { regex: new RegExp(anchors.map(escapeRegExp).join('|'), `g${flags}`), byMatch };
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\\/-]/g, '\\$&');
}
