import type { Detector } from '../detector';
import { atTokenStart } from '../support';

const MAX_JWT = 8192;
// Bounded so a match never reaches past MAX_JWT characters from the anchor.
const SHAPE = /eyJ[A-Za-z0-9_-]{8,2000}={0,2}\.[A-Za-z0-9_-]{8,5000}={0,2}\.[A-Za-z0-9_\-+/]{0,1000}={0,2}/y;
const RUN = /[A-Za-z0-9_\-+/.=]*/y;

/**
 * JSON Web Tokens (signed or unsigned): a base64url JSON header (`eyJ`), a payload and a signature.
 * Tokens can be long, so the stream masker holds one back only while it is still growing.
 */
export const jwt: Detector = {
  type: 'jwt',
  category: 'secret',
  priority: 70,
  anchors: ['eyJ'],
  reach: { before: 1, after: MAX_JWT },
  detect(text, at) {
    if (!atTokenStart(text, at)) return null;
    SHAPE.lastIndex = at;
    const m = SHAPE.exec(text);
    return m ? { start: at, end: at + m[0].length } : null;
  },
  isOpen(text, at) {
    if (!atTokenStart(text, at)) return false;
    RUN.lastIndex = at;
    const run = RUN.exec(text)![0].length;
    return at + run >= text.length && run < MAX_JWT;
  },
};
