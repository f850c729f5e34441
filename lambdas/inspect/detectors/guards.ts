import type { Detector } from './detector';

const MARKER = /\[REDACTED:[a-z0-9_]{1,48}\]/y;

/** Redaction markers already in the text: never masked into, so masking masked text changes nothing. */
export const redactionMarkerGuard: Detector = {
  type: 'redaction_marker',
  category: 'secret',
  priority: 0,
  anchors: ['[REDACTED:'],
  reach: { before: 1, after: 60 },
  detect(text, at) {
    MARKER.lastIndex = at;
    const m = MARKER.exec(text);
    return m ? { start: at, end: at + m[0].length } : null;
  },
};

/** Reversible placeholders such as `<EMAIL_1>`: kept whole so a stream never splits one. */
export function placeholderGuard(labels: readonly string[]): Detector {
  const shape = /<[A-Z0-9_]{1,40}_[0-9]{1,6}>/y;
  return {
    type: 'placeholder',
    category: 'pii',
    priority: 0,
    anchors: labels.map((l) => `<${l}_`),
    reach: { before: 1, after: 50 },
    detect(text, at) {
      shape.lastIndex = at;
      const m = shape.exec(text);
      return m ? { start: at, end: at + m[0].length } : null;
    },
  };
}
