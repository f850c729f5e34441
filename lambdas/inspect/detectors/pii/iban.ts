import { ibanValid } from '../checksum';
import type { Detector } from '../detector';

const GROUPS = /[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{1,4}){3,8}/y;

/** IBANs, compact or printed in groups of four, checked with ISO 13616 mod-97. */
export const iban: Detector = {
  type: 'iban',
  category: 'pii',
  priority: 45,
  trigger: /(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?= ?[A-Z0-9]{4})/g,
  reach: { before: 1, after: 44 },
  detect(text, at) {
    GROUPS.lastIndex = at;
    const m = GROUPS.exec(text);
    if (!m) return null;
    // Try the longest run first, then shorter ones ending at a group boundary: the check digits decide.
    let raw = m[0];
    while (raw.length >= 15) {
      const compact = raw.replace(/ /g, '');
      const next = text.charCodeAt(at + raw.length);
      const boundary = !((next >= 48 && next <= 57) || (next >= 65 && next <= 90) || (next >= 97 && next <= 122));
      if (boundary && compact.length >= 15 && compact.length <= 34 && ibanValid(compact)) return { start: at, end: at + raw.length };
      const cut = raw.lastIndexOf(' ');
      raw = cut > 0 ? raw.slice(0, cut) : raw.slice(0, -1);
    }
    return null;
  },
};
