import type { DetectorAction } from '../../types';
import type { Detector } from '../detector';

export interface CustomPatternSpec {
  type: string;
  pattern: string;
  max_length?: number;
  ignore_case?: boolean;
  action?: DetectorAction;
}

const DEFAULT_MAX = 64;

/**
 * A policy-defined pattern such as `CUST-[0-9]{8}`. Every position where the pattern matches is a
 * hit; a match is capped at `max_length` characters (read as a window), which keeps the stream
 * masker's hold-back bounded whatever the pattern.
 */
export function customPattern(spec: CustomPatternSpec): Detector {
  const max = spec.max_length ?? DEFAULT_MAX;
  const flags = `u${spec.ignore_case ? 'i' : ''}`;
  const sticky = new RegExp(spec.pattern, `${flags}y`);
  return {
    type: spec.type,
    category: 'custom',
    priority: 55,
    trigger: new RegExp(spec.pattern, `${flags}g`),
    reach: { before: 0, after: max + 1 },
    detect(text, at) {
      const window = text.slice(at, at + max);
      sticky.lastIndex = 0;
      const m = sticky.exec(window);
      return m && m[0].length > 0 ? { start: at, end: at + m[0].length } : null;
    },
  };
}
