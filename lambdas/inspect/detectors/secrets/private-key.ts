import type { Detector } from '../detector';
import { atTokenStart } from '../support';

/** Longest PEM block searched for its END line; longer blocks are masked up to this length. */
const MAX_BLOCK = 16_384;
// Any case: a lower-case header is still a key (and a way to slip one past a case-sensitive scanner).
const HEADER = /-----BEGIN ((?:[A-Z0-9]+ ){0,3})PRIVATE KEY(?: BLOCK)?-----/iy;
const END = /-----END (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----/gi;
const BODY = /(?:[A-Za-z0-9+/=\s]|\\[nr])*/y;

/**
 * PEM private keys (RSA, EC, DSA, OpenSSH, PGP, PKCS#8, encrypted), raw or inside JSON strings:
 * the whole block, header to END line. A block with no END line is masked as far as its body runs.
 */
export const privateKey: Detector = {
  type: 'private_key',
  category: 'secret',
  priority: 90,
  anchors: ['-----BEGIN '],
  ignoreCase: true,
  reach: { before: 1, after: MAX_BLOCK },
  detect(text, at) {
    const header = headerEnd(text, at);
    if (header < 0) return null;
    const window = text.slice(at, at + MAX_BLOCK);
    const endLine = findEnd(window, header - at);
    if (endLine > 0) return hasKeyMaterial(window.slice(header - at, endLine)) ? { start: at, end: at + endLine } : null;
    BODY.lastIndex = header - at;
    const body = BODY.exec(window);
    return { start: at, end: header + (body?.[0].length ?? 0) };
  },
  isOpen(text, at) {
    if (text.length - at >= MAX_BLOCK) return false;
    if (text.length - at < 80 && headerEnd(text, at) < 0) return !text.slice(at).includes('\n');
    const header = headerEnd(text, at);
    return header >= 0 && findEnd(text.slice(at), header - at) < 0;
  },
};

/** A real key has a body of base64 (an empty or `anything` body is an example). */
function hasKeyMaterial(body: string): boolean {
  return (body.match(/[A-Za-z0-9+/=]/g)?.length ?? 0) >= 64;
}

function findEnd(window: string, from: number): number {
  END.lastIndex = from;
  const m = END.exec(window);
  return m ? m.index + m[0].length : -1;
}

function headerEnd(text: string, at: number): number {
  if (!atTokenStart(text, at) && text.charCodeAt(at - 1) !== 45) return -1;
  HEADER.lastIndex = at;
  const m = HEADER.exec(text);
  return m ? at + m[0].length : -1;
}
