import type { Detector } from '../detector';
import { atTokenStart } from '../support';

const MAX = 12_000;
const SHAPE = /ZXlK[A-Za-z0-9+/_-]{40,11990}={0,2}/y;
const RUN = /[A-Za-z0-9+/_=-]*/y;

/** JWTs that were base64-encoded once more (Kubernetes secrets, env files): they start `ZXlK`. */
export const jwtBase64: Detector = {
  id: 'jwt_base64',
  type: 'jwt',
  category: 'secret',
  priority: 70,
  anchors: ['ZXlK'],
  reach: { before: 1, after: MAX },
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
    return at + run >= text.length && run < MAX;
  },
};
