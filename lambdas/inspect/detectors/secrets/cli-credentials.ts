import type { Detector } from '../detector';
import { isPlaceholder } from '../support';

const STAND_INS = new Set(['pass', 'password', 'passwd', 'pwd', 'token', 'secret', 'test', 'changeme', 'admin', 'apikey', 'api_key', 'key']);
const VALUE = /(["']?)([^\s:"'$]{0,64}):([^\s"']{1,128})\1(?=\s|$)/y;

/**
 * `user:password` given to a command-line client: `curl -u elastic:s3cret`, `--user "me:tok"`,
 * `wget --http-user`… The whole pair is masked; a value without `:` (a user or uid alone) is not.
 */
export const cliCredentials: Detector = {
  type: 'cli_credentials',
  category: 'secret',
  priority: 55,
  anchors: [' -u ', ' --user ', ' --user=', ' -U '],
  reach: { before: 0, after: 8 + 2 + 64 + 1 + 128 + 1 },
  detect(text, at) {
    const flag = /^ (?:-u|--user|-U)[ =]/.exec(text.slice(at, at + 9));
    if (!flag) return null;
    VALUE.lastIndex = at + flag[0].length;
    const m = VALUE.exec(text);
    if (!m) return null;
    const password = m[3]!;
    // `user:pass`, `test:test`, `username:password`: documentation, not credentials.
    if (isPlaceholder(password) || /^\$|^\{|^<|^\*+$/.test(password) || password === m[2] || STAND_INS.has(password.toLowerCase())) return null;
    const start = at + flag[0].length + m[1]!.length;
    return { start, end: start + m[2]!.length + 1 + password.length };
  },
};
