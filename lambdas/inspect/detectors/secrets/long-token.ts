import type { Detector } from '../detector';
import { atTokenStart } from '../support';

export interface LongTokenSpec {
  id?: string;
  type: string;
  anchor: string;
  /** Sticky regex for the whole token from the anchor, bounded so it never reaches past `max`. */
  shape: RegExp;
  /** Sticky regex for the run of token characters from the anchor. */
  run: RegExp;
  max: number;
}

/**
 * A token that starts at a word boundary with a fixed anchor and may be long (JWTs and their
 * base64 forms): the stream masker holds one back only while its run of characters is still growing.
 */
export function longToken(spec: LongTokenSpec): Detector {
  const { shape, run, max } = spec;
  return {
    ...(spec.id ? { id: spec.id } : {}),
    type: spec.type,
    category: 'secret',
    priority: 70,
    anchors: [spec.anchor],
    reach: { before: 1, after: max },
    detect(text, at) {
      if (!atTokenStart(text, at)) return null;
      shape.lastIndex = at;
      const m = shape.exec(text);
      return m ? { start: at, end: at + m[0].length } : null;
    },
    isOpen(text, at) {
      if (!atTokenStart(text, at)) return false;
      run.lastIndex = at;
      const length = run.exec(text)![0].length;
      return at + length >= text.length && length < max;
    },
  };
}
