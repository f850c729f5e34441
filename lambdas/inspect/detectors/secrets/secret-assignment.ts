import type { DetectedSpan, Detector } from '../detector';
import { isPlaceholder, looksRandom } from '../support';

/**
 * Generic secrets by keyword context: `password = "…"`, `api_key: …`, `"clientSecret": "…"`,
 * `var dbToken string = "…"`, `setProperty("API_TOKEN", "…")`, `<apiKey>…</apiKey>`, `--token …`,
 * `export DB_PASS=…`, `my password is …`. The anchor is a keyword inside the name; the name is
 * split into words so `monkey`, `passenger` or `keyboard` do not count, and names that describe a
 * secret rather than hold one (`token_url`, `public_key`, `key_id`) are skipped. Password-like
 * names accept any plausible value; other names need a value that looks random.
 */

/** How far the name may reach left and right of the keyword (bounds the stream hold-back). */
const NAME_LEFT = 24;
const NAME_RIGHT = 32;
const MAX_VALUE = 128;

type Strength = 'password' | 'secret';

const PASSWORD_WORD = /^(?:[a-z0-9]*(?:password|passwd|passphrase)s?|pass|pwd|[a-z]{0,8}pwd|pw)$/;
const SECRET_WORD =
  /^(?:[a-z0-9]*(?:secret|token)s?|(?:api|access|secret|private|master|signing|sign|encryption|encrypt|decrypt|crypt|crypto|license|client|app|service|account|auth|session|shared|storage|admin|root|deploy|webhook|write|read|sas|consumer|subscription|ingestion|integration|hmac|aes|rsa|ssh|gpg|pgp|jwt|dev|prod|test|live|server|user|bot|org|project|install|registration|enrollment|recovery|backup|unlock|product|serial|activation|cluster|node|agent|runner|kms|vault)?keys?|auth|authorization|credentials?|creds|sig|signature|cookie|bearer|jwt|pat)$/;
/** Words that make a name describe or locate a secret rather than hold one. */
const NEGATIVE_WORD = new Set(
  ('public pub primary foreign hash hashes checksum csrf xsrf authenticity event events down up press pressed stroke ' +
    'board binding bindings name names id ids type types length size count file files path paths dir url urls uri ' +
    'endpoint endpoints field fields header headers expiry expires expiration expire ttl format version hint label ' +
    'prefix suffix index column schema bucket sort cache partition lookup i18n translation translations policy min max ' +
    'len env var enabled required mode algorithm alg usage placeholder rotation provider manager helper validator ' +
    'generator regex pattern store ring chain pair frame map vault').split(' '),
);

const NON_VALUES = new Set([
  'true', 'false', 'null', 'none', 'nil', 'undefined', 'yes', 'no', 'on', 'off', 'required', 'optional',
  'string', 'str', 'number', 'int', 'boolean', 'bool', 'object', 'any', 'secret', 'password', 'token', 'empty',
  'text', 'hidden', 'bearer', 'basic', 'env', 'function', 'return', 'self', 'this', 'default', 'unknown',
]);

const isNameChar = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45 || c === 46;

/** Splits `dbPassword`, `DB_PASSWORD`, `api-key`, `spring.datasource.password` into lower-case words. */
function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[\s_.-]+/)
    .filter(Boolean);
}

const strengthCache = new Map<string, Strength | null>();

/** Names repeat (`key`, `token`, `password`): their verdict is memoised, a pure function of the name. */
function strengthOf(name: string): Strength | null {
  let strength = strengthCache.get(name);
  if (strength === undefined) {
    if (strengthCache.size > 4096) strengthCache.clear();
    strength = computeStrength(name);
    strengthCache.set(name, strength);
  }
  return strength;
}

function computeStrength(name: string): Strength | null {
  const words = nameWords(name);
  let strength: Strength | null = null;
  for (const w of words) {
    if (NEGATIVE_WORD.has(w)) return null;
    if (PASSWORD_WORD.test(w)) strength = 'password';
    else if (!strength && SECRET_WORD.test(w)) strength = 'secret';
  }
  if (words.length === 1 && (words[0] === 'key' || words[0] === 'keys')) return null;
  return strength;
}

const GO_TYPE = /[ \t]+(?:string|String|str|&str|&'static str|\[\]byte|char\s?\*|text|bytes|SecretString|SecureString)(?=[ \t]*[:=])/y;
const OPERATOR = /[ \t]{0,12}(?::{1,3}=|\?=|\.=|\|\|=|=>|->|=(?!=)|:(?![:/]))[ \t]{0,4}/y;
const PROSE_OPERATOR = /[ \t]{1,2}(?:is|was|=|:)[ \t]{1,2}/y;
const FLAG_GAP = /[ \t]{1,2}/y;
const XML_VALUE = /[ \t]{1,4}value[ \t]{0,2}=[ \t]{0,2}/y;
const ARGUMENT = /[ \t]{0,2},[ \t]{0,2}(?=["'`])/y;
const QUOTE = /["'`]/;
/** What may follow a name that is being assigned: a closing quote or bracket, an operator, a comma, a space, `>`. */
const CONTINUES = /^["'`\]]?[ \t=:,>\-.?|]/;
const VALUE_END = /[\s"'`,;)}\]<>&|]/;

function valueAt(text: string, pos: number): { start: number; end: number; quoted: boolean } | null {
  const q = text[pos];
  if (q === '"' || q === "'" || q === '`') {
    const limit = Math.min(text.length, pos + 2 + MAX_VALUE);
    for (let i = pos + 1; i < limit; i++) {
      const c = text[i];
      if (c === q && text[i - 1] !== '\\') return i > pos + 1 ? { start: pos + 1, end: i, quoted: true } : null;
      if (c === '\n') return null;
    }
    return null;
  }
  const limit = Math.min(text.length, pos + MAX_VALUE);
  let end = pos;
  while (end < limit && !VALUE_END.test(text[end]!)) end++;
  if (end === limit && end < text.length && !VALUE_END.test(text[end]!)) return null;
  while (end > pos && /[.:\s]/.test(text[end - 1]!)) end--;
  let start = pos;
  while (start < end && /\s/.test(text[start]!)) start++;
  return end > start ? { start, end, quoted: false } : null;
}

function plausible(value: string, quoted: boolean, strength: Strength, prose: boolean): boolean {
  const lower = value.toLowerCase();
  if (NON_VALUES.has(lower) || isPlaceholder(value)) return false;
  if (/^(?:https?|ftp|file|s3|gs):\/\/|^\.{0,2}\/|^~\//.test(value)) return false;
  if (/\s\S+\s/.test(value) || /^[A-Za-z]+(?: [A-Za-z]+)+$/.test(value)) return false;
  const codeRef = /^[A-Za-z_$][\w$]*(?:(?:\.|::|->)[A-Za-z_$][\w$]*)*(?:\(.*|\[.*)?$/.test(value);
  if (!quoted && codeRef && !/[0-9].*[A-Za-z].*[0-9]|[A-Za-z][0-9][A-Za-z]/.test(value)) return false;
  if (/^\d{1,9}$/.test(value) || /^\d+(?:\.\d+)+$/.test(value)) return false;
  if (strength === 'password') {
    if (value.length < 6) return false;
    if ((prose || !quoted) && !/[0-9!@#$%^&*]/.test(value) && !/[a-z][A-Z]|[A-Z][a-z].*[A-Z]/.test(value)) return false;
    return true;
  }
  return value.length >= 10 && looksRandom(value);
}

/** `<apiKey>  value </apiKey>`: the element's text, trimmed. */
function elementValue(text: string, from: number, strength: Strength): DetectedSpan | null {
  const limit = Math.min(text.length, from + MAX_VALUE + 16);
  let close = from;
  while (close < limit && text[close] !== '<') close++;
  if (!text.startsWith('</', close)) return null;
  let start = from;
  let end = close;
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return end > start && !/\s/.test(text.slice(start, end)) && plausible(text.slice(start, end), true, strength, false) ? { start, end } : null;
}

export const secretAssignment: Detector = {
  type: 'generic_secret',
  category: 'secret',
  priority: 20,
  anchors: ['pass', 'pw', 'secret', 'token', 'key', 'auth', 'cred'],
  ignoreCase: true,
  reach: { before: NAME_LEFT + 3, after: NAME_RIGHT + 40 + MAX_VALUE + 2 },
  detect(text, at): DetectedSpan | null {
    let nameStart = at;
    while (nameStart > 0 && at - nameStart < NAME_LEFT && isNameChar(text.charCodeAt(nameStart - 1))) nameStart--;
    let nameEnd = at;
    while (nameEnd < text.length && nameEnd - at < NAME_RIGHT && isNameChar(text.charCodeAt(nameEnd))) nameEnd++;
    if (isNameChar(text.charCodeAt(nameEnd))) return null;
    while (nameEnd > at && text[nameEnd - 1] === '.') nameEnd--;
    if (!CONTINUES.test(text.slice(nameEnd, nameEnd + 3))) return null;
    const strength = strengthOf(text.slice(nameStart, nameEnd));
    if (!strength) return null;

    let pos = nameEnd;
    const quotedName = QUOTE.test(text[pos] ?? '');
    if (quotedName) pos++;
    if (text[pos] === ']') pos++;
    const before = text[nameStart - 1];
    const isFlag = before === '-' && text[nameStart - 2] === '-';

    if (before === '<' && text[pos] === '>') return elementValue(text, pos + 1, strength);

    let prose = false;
    let valuePos = -1;
    GO_TYPE.lastIndex = pos;
    if (GO_TYPE.exec(text)) pos = GO_TYPE.lastIndex;
    for (const op of quotedName ? [OPERATOR, XML_VALUE, ARGUMENT] : [OPERATOR, XML_VALUE]) {
      op.lastIndex = pos;
      if (op.exec(text)) {
        valuePos = op.lastIndex;
        break;
      }
    }
    if (valuePos < 0 && (isFlag || strength === 'password')) {
      const gap = isFlag ? FLAG_GAP : PROSE_OPERATOR;
      gap.lastIndex = pos;
      if (gap.exec(text)) {
        valuePos = gap.lastIndex;
        prose = !isFlag;
      }
    }
    if (valuePos < 0) return null;
    const value = valueAt(text, valuePos);
    if (!value) return null;
    if (!plausible(text.slice(value.start, value.end), value.quoted, strength, prose)) return null;
    return { start: value.start, end: value.end };
  },
};
