import type { Detector } from '../detector';
import { isPlaceholder } from '../support';

// The password runs to the authority's LAST `@` (as URL parsers read it): a raw `@` in a password stays inside.
const USERINFO = /([^\s:/@?#"'`<>]{0,64}):([^\s/?#"'`<>]{1,128})@(?=[A-Za-z0-9[\]._-]{2,})/y;

/**
 * Credentials in URLs and connection strings: `postgres://app:s3cret@db:5432/x`,
 * `mongodb+srv://u:p@cluster`, `https://user:token@git.example.com`. The whole `user:password`
 * is masked: the user name alone often identifies the account.
 */
export const urlCredentials: Detector = {
  type: 'url_credentials',
  category: 'secret',
  priority: 60,
  anchors: ['://'],
  reach: { before: 1, after: 3 + 64 + 1 + 128 + 3, lead: 3 },
  detect(text, at) {
    USERINFO.lastIndex = at + 3;
    const m = USERINFO.exec(text);
    if (!m) return null;
    const password = m[2]!;
    if (isPlaceholder(password) || /^(?:password|pass|pwd|secret|token)$/i.test(password)) return null;
    const start = at + 3;
    return { start, end: start + m[1]!.length + 1 + password.length };
  },
  // Settled as soon as the authority ends: a later `@` would move the end of the password.
  isOpen(text, at) {
    // With the whole reach in the text, it is settled.
    if (at + this.reach.after <= text.length) return false;
    const limit = Math.min(text.length, at + this.reach.after);
    for (let i = at + 3; i < limit; i++) {
      if (/[\s/?#"'`<>]/.test(text[i]!)) return false;
    }
    return limit === text.length && text.length < at + this.reach.after;
  },
};
