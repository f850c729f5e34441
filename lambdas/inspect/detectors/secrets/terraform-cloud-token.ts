import type { Detector } from '../detector';
import { atTokenBoundary, looksFilledIn } from '../support';

const TOKEN = /[a-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70}(?![A-Za-z0-9_=-])/y;

/**
 * Terraform Cloud / Enterprise API tokens: 14 characters, `.atlasv1.`, then 60–70 more. The
 * anchor is `atlasv1.` (found by the separator scan); the token starts 15 characters earlier.
 */
export const terraformCloudToken: Detector = {
  type: 'terraform_cloud_token',
  category: 'secret',
  priority: 80,
  anchors: ['atlasv1.'],
  reach: { before: 16, after: 80 },
  detect(text, at) {
    const start = at - 15;
    if (start < 0 || text[at - 1] !== '.' || !atTokenBoundary(text, start)) return null;
    TOKEN.lastIndex = start;
    const m = TOKEN.exec(text);
    return m && !looksFilledIn(m[0]) ? { start, end: start + m[0].length } : null;
  },
};
