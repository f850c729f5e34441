import type { Detector } from '../detector';
import { atTokenStart, charClasses, isPlaceholder } from '../support';

/** A password as people type it: no spaces, 8–64 characters (trailing punctuation is not part of it). */
const PASSWORD = /[^\s"'`<>]{8,64}(?=[\s"'`<>]|$)/y;
/** After `password`: spaces and an optional `is`/`was`; no `=` or `:` (secret-assignment reads those). */
const AFTER_PASSWORD = /\s{1,3}(?:(?:is|was|would be|will be)\s{1,3})?/iy;
/** After `login`/`credentials`: an optional `is/are`, a user name, `/` or `:`, then the password. */
const AFTER_LOGIN = /(s?\s{1,3}(?:(?:is|are|was|were)\s{1,3})?)[A-Za-z0-9._@+-]{1,64}\s{0,3}[/:]\s{0,3}/iy;
const PASSWORD_WORDS = ['password', 'passwd', 'passphrase', 'pwd'];
const LOGIN_WORDS = ['login', 'credential'];

/** Three character classes, a digit or symbol among them: "incorrect" and "Welcome" are not passwords. */
const strongPassword = (value: string): boolean => charClasses(value) >= 3 && /[^A-Za-z]/.test(value);

/**
 * Credentials written in prose: "the admin login is admin / FEMvu^ui9Unh", "password
 * FEMvu^ui9Unh". Only values that look like passwords (three character classes, no spaces) count,
 * so "the password is incorrect" stays as it is. The user name of a login pair is masked with it.
 */
export const proseCredentials: Detector = {
  id: 'prose_credentials',
  type: 'password',
  category: 'secret',
  priority: 45,
  anchors: [...PASSWORD_WORDS, ...LOGIN_WORDS],
  ignoreCase: true,
  // A span starts within a few words of the anchor (`password is `, `login: `), which bounds the stream hold-back.
  reach: { before: 1, after: 160, lead: 24 },
  detect(text, at) {
    if (!atTokenStart(text, at)) return null;
    const head = text.slice(at, at + 10).toLowerCase();
    let valueAt: number;
    let spanStart: number;
    const login = LOGIN_WORDS.find((w) => head.startsWith(w));
    if (login) {
      AFTER_LOGIN.lastIndex = at + login.length;
      const m = AFTER_LOGIN.exec(text);
      if (!m) return null;
      spanStart = at + login.length + m[1]!.length;
      valueAt = AFTER_LOGIN.lastIndex;
    } else {
      const word = PASSWORD_WORDS.find((w) => head.startsWith(w));
      if (!word) return null;
      AFTER_PASSWORD.lastIndex = at + word.length;
      if (!AFTER_PASSWORD.exec(text)) return null;
      valueAt = AFTER_PASSWORD.lastIndex;
      spanStart = valueAt;
    }
    PASSWORD.lastIndex = valueAt;
    const pw = PASSWORD.exec(text);
    if (!pw) return null;
    const value = pw[0].replace(/[.,;!?)]+$/, '');
    if (value.length < 8 || !strongPassword(value) || isPlaceholder(value) || /^[a-z]+:\/\//i.test(value)) return null;
    return { start: spanStart, end: valueAt + value.length };
  },
  // Settled once six gaps between words follow the anchor: `s is <user> / <password> ` has at most five.
  isOpen(text, at) {
    if (text.length - at >= this.reach.after) return false;
    const gaps = text.slice(at).match(/\s+/g)?.length ?? 0;
    return gaps < 6;
  },
};
