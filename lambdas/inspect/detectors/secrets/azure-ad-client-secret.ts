import type { Detector } from '../detector';
import { atTokenStart, entropy } from '../support';

const SECRET = /[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/y;

/** Microsoft Entra ID (Azure AD) client secrets: three characters, a digit, `Q~`, then 31–34 more. */
export const azureAdClientSecret: Detector = {
  type: 'azure_ad_client_secret',
  category: 'secret',
  priority: 80,
  anchors: ['Q~'],
  reach: { before: 5, after: 40 },
  detect(text, at) {
    const start = at - 4;
    if (start < 0 || !atTokenStart(text, start) || text[start - 1] === '~' || text[start - 1] === '.') return null;
    SECRET.lastIndex = start;
    const m = SECRET.exec(text);
    return m && entropy(m[0]) > 3.5 ? { start, end: start + m[0].length } : null;
  },
};
