import { luhnValid } from '../checksum';
import type { Detector } from '../detector';
import { NUMBER_TRIGGER } from './number-trigger';

// 13–19 digits, plain or in groups of four (Amex: 4-6-5) with one consistent separator.
const CARD = /(?:[0-9]{4}([ -]?)[0-9]{4}\1[0-9]{4}\1[0-9]{1,7}|[0-9]{4}([ -]?)[0-9]{6}\2[0-9]{5}|[0-9]{13,19})(?![0-9]|[ -][0-9])/y;

/** Issuer ranges of the card networks (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay) with their lengths. */
function issuerKnown(digits: string): boolean {
  const n = digits.length;
  const p2 = Number(digits.slice(0, 2));
  const p4 = Number(digits.slice(0, 4));
  if (digits[0] === '4') return n === 13 || n === 16 || n === 19;
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n === 16;
  if (p2 === 34 || p2 === 37) return n === 15;
  if (p4 === 6011 || p2 === 65 || (p4 >= 6440 && p4 <= 6499)) return n >= 16 && n <= 19;
  if (p2 === 35) return n >= 16 && n <= 19;
  if (p2 === 36 || p2 === 38 || p2 === 30) return n >= 14 && n <= 16;
  if (p2 === 62) return n >= 16 && n <= 19;
  return false;
}

/** Payment card numbers: known issuer range and length, Luhn-checked. */
export const paymentCard: Detector = {
  type: 'payment_card',
  category: 'pii',
  priority: 45,
  trigger: NUMBER_TRIGGER,
  reach: { before: 1, after: 28 },
  detect(text, at) {
    CARD.lastIndex = at;
    const m = CARD.exec(text);
    if (!m) return null;
    const digits = m[0].replace(/[ -]/g, '');
    if (/^(\d)\1+$/.test(digits) || !issuerKnown(digits) || !luhnValid(digits)) return null;
    return { start: at, end: at + m[0].length };
  },
};
