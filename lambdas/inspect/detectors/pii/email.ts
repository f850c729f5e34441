import type { Detector } from '../detector';

const MAX_LOCAL = 64;
const MAX_DOMAIN = 120;
const DOMAIN = /(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,6}([A-Za-z]{2,24})(?![A-Za-z0-9-]|\.[A-Za-z0-9])/y;
/** Top-level "domains" that are really file extensions or code (`icon@2x.png`, `pkg@1.2.3`). */
const NOT_TLD = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'ico', 'js', 'ts', 'css', 'map', 'json', 'lock', 'tgz', 'zip', 'py', 'rb', 'go', 'md', 'txt', 'html', 'local', 'internal', 'invalid', 'test', 'example', 'localhost']);
const LOCAL_CHAR = /[A-Za-z0-9._%+-]/;

/** Email addresses. Not: scp-style git remotes (`git@host:repo`), URL user info, scoped packages, retina assets. */
export const email: Detector = {
  type: 'email',
  category: 'pii',
  priority: 40,
  anchors: ['@'],
  reach: { before: MAX_LOCAL + 1, after: MAX_DOMAIN + 3, lead: 0 },
  detect(text, at) {
    let start = at;
    while (start > 0 && at - start < MAX_LOCAL && LOCAL_CHAR.test(text[start - 1]!)) start--;
    if (start === at || (start > 0 && LOCAL_CHAR.test(text[start - 1]!))) return null;
    if (text[start] === '.' || text[at - 1] === '.') return null;
    // `scheme://user@host` and `user:password@host` are URL credentials, not addresses; `mailto:` is an address.
    if ((text[start - 1] === ':' && !/mailto:$/i.test(text.slice(Math.max(0, start - 7), start))) || text[start - 1] === '/') return null;
    DOMAIN.lastIndex = at + 1;
    const m = DOMAIN.exec(text);
    if (!m || m[0].length > MAX_DOMAIN) return null;
    const tld = m[1]!.toLowerCase();
    if (NOT_TLD.has(tld)) return null;
    const end = at + 1 + m[0].length;
    // `git@host:repo`: a colon with more of the path after it. A placeholder counts as path too (`[` or
    // `<` of a masked value), so text that was masked once is read the same way again.
    if (text[end] === ':' && /[A-Za-z0-9~/[<]/.test(text[end + 1] ?? '')) return null;
    return { start, end };
  },
  // Settled once the domain stops growing; the local part before the `@` is already there.
  isOpen(text, at) {
    // The domain run below stops within MAX_DOMAIN + 2: with two characters past that in the text, it is settled.
    if (text.length >= at + MAX_DOMAIN + 4) return false;
    let end = at + 1;
    while (end < text.length && end - at <= MAX_DOMAIN + 1 && /[A-Za-z0-9.-]/.test(text[end]!)) end++;
    // One character past the domain decides the `git@host:repo` check.
    return end + 2 > text.length && end - at <= MAX_DOMAIN + 1;
  },
};
