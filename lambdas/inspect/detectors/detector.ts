import type { Category } from '../types';

/** Where a detector found a value: UTF-16 offsets into the scanned text. */
export interface DetectedSpan {
  start: number;
  end: number;
}

/**
 * One detector: a small pure unit registered in `registry.ts`. The engine calls `detect` at every
 * occurrence of one of its anchors (or trigger matches); the detector decides whether a value is
 * there. The result must depend only on the text within `reach` of the hit: that locality is what
 * lets the stream masker give the same answer as whole-text masking for any chunking.
 */
export interface Detector {
  /** Registry key, when several detectors report the same type (default: the type). */
  readonly id?: string;
  readonly type: string;
  readonly category: Category;
  /** Names the merged finding when spans of several detectors overlap: higher wins. */
  readonly priority: number;
  /** Literal strings; the detector runs wherever one occurs. */
  readonly anchors?: readonly string[];
  /** Anchors match regardless of case (anchors are then written in lower case). */
  readonly ignoreCase?: boolean;
  /** Instead of anchors: a global regex whose match positions are the hits (keep it short and cheap). */
  readonly trigger?: RegExp;
  /**
   * How far before and after the hit `detect` may read; spans stay inside these bounds. `lead`:
   * how far after the hit a span may start (default `after`; open detectors must set it).
   */
  readonly reach: { readonly before: number; readonly after: number; readonly lead?: number };
  detect(text: string, at: number): DetectedSpan | null;
  /**
   * For detectors whose value may run past `reach.after` (PEM blocks, JWTs): true while more text
   * could still change the result at `at`.
   */
  isOpen?(text: string, at: number): boolean;
}
