import type { Detector } from '../detector';
import { NUMBER_TRIGGER } from './number-trigger';

const SSN = /([0-9]{3})([- ])([0-9]{2})\2([0-9]{4})(?![0-9]|-[0-9])/y;

/** US Social Security numbers in the issued ranges: area not 000, 666 or 900–999; group and serial not zero. */
export const usSsn: Detector = {
  type: 'us_ssn',
  category: 'pii',
  priority: 45,
  trigger: NUMBER_TRIGGER,
  reach: { before: 1, after: 13 },
  detect(text, at) {
    SSN.lastIndex = at;
    const m = SSN.exec(text);
    if (!m) return null;
    const area = Number(m[1]);
    if (area === 0 || area === 666 || area >= 900 || m[3] === '00' || m[4] === '0000') return null;
    return { start: at, end: at + m[0].length };
  },
};
