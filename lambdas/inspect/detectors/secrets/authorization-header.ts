import type { Detector } from '../detector';
import { isPlaceholder } from '../support';

const MAX_VALUE = 4096;
const SCHEME = /(?:bearer|token|basic|digest|apikey|api-key|sso-key|splunk)[ \t]{1,4}/iy;
const VALUE = /[A-Za-z0-9\-._~+/=:%]*/y;

/**
 * Credentials after an HTTP authorization scheme: `Authorization: Bearer …`, `-H "Authorization:
 * token …"`, `Basic dXNlcjpwYXNz`. The anchor is the scheme word, so prose mentioning "a bearer
 * token" only matches when a long opaque value follows. Values can be long (OAuth access tokens),
 * so the stream masker holds one back only while it is still growing.
 */
export const authorizationHeader: Detector = {
  type: 'authorization_credential',
  category: 'secret',
  priority: 60,
  anchors: ['bearer', 'token', 'basic', 'digest', 'apikey', 'api-key', 'sso-key', 'splunk'],
  ignoreCase: true,
  reach: { before: 1, after: MAX_VALUE + 20 },
  detect(text, at) {
    const value = valueRun(text, at);
    if (!value) return null;
    const run = text.slice(value.start, Math.min(value.end, value.start + MAX_VALUE));
    if (run.length < 8 || isPlaceholder(run) || !/[0-9]/.test(run) || /^[a-z]+$/i.test(run)) return null;
    return { start: value.start, end: value.start + run.length };
  },
  isOpen(text, at) {
    if (text.length - at < 20) return true;
    const value = valueRun(text, at);
    return value !== null && value.end >= text.length && value.end - value.start < MAX_VALUE;
  },
};

function valueRun(text: string, at: number): { start: number; end: number } | null {
  const before = text.charCodeAt(at - 1);
  if (at > 0 && ((before >= 65 && before <= 90) || (before >= 97 && before <= 122) || before === 95 || before === 45)) return null;
  SCHEME.lastIndex = at;
  const scheme = SCHEME.exec(text);
  if (!scheme) return null;
  const start = at + scheme[0].length;
  VALUE.lastIndex = start;
  const end = start + VALUE.exec(text)![0].length;
  return { start, end };
}
