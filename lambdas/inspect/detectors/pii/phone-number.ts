import type { Detector } from '../detector';
import { NUMBER_TRIGGER } from './number-trigger';

/** `+<country> …` with 8–15 digits in all (E.164), groups split by single spaces, dots, dashes or a parenthesised area code. */
const INTERNATIONAL = /\+[1-9][0-9]{0,2}(?:[ .-]?(?:\([0-9]{1,4}\)|[0-9]{1,5})){1,6}(?![0-9])/y;
/** North American numbers with separators: `(415) 555-0132`, `415-555-0132`, `415.555.0132`. */
const NANP = /(?:\([2-9][0-9]{2}\)[ ]?|[2-9][0-9]{2}([-. ]))[2-9][0-9]{2}[-. ][0-9]{4}(?![0-9]|[-.][0-9])/y;
/** National numbers with a trunk 0 and separators: `020 7946 0958`, `030-1234-5678`. */
const NATIONAL = /0[1-9][0-9]{1,3}[ -][0-9]{3,4}[ -]?[0-9]{3,4}(?![0-9]|[-.][0-9])/y;

function digitCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) n++;
  return n;
}

/** Phone numbers in international and common national formats. Dates, versions and IP addresses have other shapes. */
export const phoneNumber: Detector = {
  type: 'phone_number',
  category: 'pii',
  priority: 35,
  trigger: NUMBER_TRIGGER,
  reach: { before: 1, after: 32 },
  detect(text, at) {
    if (text[at] === '+') {
      INTERNATIONAL.lastIndex = at;
      const m = INTERNATIONAL.exec(text);
      if (!m || m[0].length > 30) return null;
      const n = digitCount(m[0]);
      return n >= 8 && n <= 15 ? { start: at, end: at + m[0].length } : null;
    }
    for (const re of [NANP, NATIONAL]) {
      re.lastIndex = at;
      const m = re.exec(text);
      if (m) return { start: at, end: at + m[0].length };
    }
    return null;
  },
};
