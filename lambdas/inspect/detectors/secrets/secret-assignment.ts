import type { DetectedSpan, Detector } from './detector';
import { charClasses, entropy, isPlaceholder } from './support';

/**
 * Generic secrets by keyword context: `password = "…"`, `api_key: …`, `"clientSecret": "…"`,
 * `--token …`, `export DB_PASS=…`, `my password is …`. The anchor is a keyword inside the name;
 * the name is split into words so `monkey`, `passenger` or `keyboard` do not count. Password-like
 * names accept any plausible value; other names need a value that looks random (entropy, mixed
 * characters), which keeps ordinary configuration (`key: "user-settings"`) unchanged.
 */

const NAME_REACH = 40;
const MAX_VALUE = 128;

type Strength = 'password' | 'secret';

const PASSWORD_WORD = /^(?:[a-z0-9]*(?:password|passwd|passphrase)s?|pass|pwd|[a-z]{0,8}pwd|pw)$/;
const SECRET_WORD =
  /^(?:[a-z0-9]*(?:secret|token)s?|(?:api|access|secret|private|master|signing|encryption|license|client|app|service|account|auth|session|shared|storage|admin|root|deploy|webhook|write|read|sas|consumer|subscription|primary|secondary|ingestion|integration|x)?keys?|auth|authorization|credentials?|creds|apikey|sig|signature|cookie|bearer|jwt|pat)$/;
const NOT_SECRET_NAME =
  /^(?:keys?|(?:keys?|tokens?)_?(?:id|ids|name|names|type|types|length|size|count|file|path|dir|prefix|suffix|url|uri|endpoint|expiry|expires|expiration|ttl|format|field|header|param|index|column|ref|version|usage|limit|hint|label|policy|pair|store|ring|chain|board|word|words|frame|code|event|press|up|down|map|bindings?|stroke|spec|schema|set|s))$/;

const NON_VALUES = new Set([
  'true', 'false', 'null', 'none', 'nil', 'undefined', 'yes', 'no', 'on', 'off', 'required', 'optional',
  'string', 'str', 'number', 'int', 'boolean', 'bool', 'object', 'any', 'secret', 'password', 'token', 'empty',
  'string?', 'text', 'hidden', 'bearer', 'basic', 'env', 'function', 'return', 'self', 'this',
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

function strengthOf(name: string): Strength | null {
  const words = nameWords(name);
  const joined = words.join('_');
  if (NOT_SECRET_NAME.test(joined)) return null;
  let strength: Strength | null = null;
  for (const w of words) {
    if (PASSWORD_WORD.test(w)) return 'password';
    if (SECRET_WORD.test(w)) strength = 'secret';
  }
  if (strength && /(?:^|_)(?:id|ids|name|type|length|size|url|uri|file|path|endpoint|field|header|expiry|expires|expiration|ttl|count|hint|label|prefix|format|version|env|var|len|max|min)$/.test(joined)) return null;
  return strength;
}

const OPERATOR = /[ \t]{0,4}(?::=|::=|\?=|\|\|=|=>|->|=(?!=)|:(?![:/]))[ \t]{0,4}/y;
const PROSE_OPERATOR = /[ \t]{1,2}(?:is|was|=|:)[ \t]{1,2}/y;
const FLAG_GAP = /[ \t]{1,2}/y;
const XML_VALUE = /[ \t]{1,4}value[ \t]{0,2}=[ \t]{0,2}/y;

function valueAt(text: string, pos: number): { start: number; end: number; quoted: boolean } | null {
  const q = text[pos];
  if (q === '"' || q === "'" || q === '`') {
    const limit = Math.min(text.length, pos + 2 + MAX_VALUE);
    for (let i = pos + 1; i < limit; i++) {
      const c = text[i];
      if (c === q) return i > pos + 1 ? { start: pos + 1, end: i, quoted: true } : null;
      if (c === '\n') return null;
    }
    return null;
  }
  let end = pos;
  const limit = Math.min(text.length, pos + MAX_VALUE);
  while (end < limit && !/[\s"'`,;)}\]<>&|]/.test(text[end]!)) end++;
  if (end === limit && end < text.length && !/[\s"'`,;)}\]<>&|]/.test(text[end]!)) return null;
  while (end > pos && /[.:]/.test(text[end - 1]!)) end--;
  return end > pos ? { start: pos, end, quoted: false } : null;
}

function plausible(value: string, quoted: boolean, strength: Strength, prose: boolean): boolean {
  const lower = value.toLowerCase();
  if (NON_VALUES.has(lower) || isPlaceholder(value)) return false;
  if (/^(?:https?|ftp|file|s3|gs):\/\/|^\.{0,2}\/|^~\//.test(value)) return false;
  if (/\s\S+\s/.test(value) || /^[A-Za-z]+(?: [A-Za-z]+)+$/.test(value)) return false;
  if (!quoted && /^[A-Za-z_$][\w$]*(?:(?:\.|::|->)[\w$]+)*(?:\(.*|\[.*)?$/.test(value) && !/\d/.test(value)) return false;
  if (!quoted && /^[A-Za-z_$][\w$]*(?:\.[\w$]+)+$/.test(value)) return false;
  if (/^\d{1,9}$/.test(value) || /^[\d.]+$/.test(value)) return false;
  if (strength === 'password') {
    if (value.length < 6) return false;
    if (prose && !/[0-9!@#$%^&*]/.test(value) && charClasses(value) < 2) return false;
    return true;
  }
  if (value.length < 10) return false;
  if (/^[a-z]+(?:[-_.][a-z]+)*$/.test(value) || /^[A-Z]+(?:[-_.][A-Z]+)*$/.test(value)) return false;
  if (/^[a-z]+(?:[A-Z][a-z]+)+$/.test(value)) return false;
  return entropy(value) >= 3 && (charClasses(value) >= 2 || value.length >= 16);
}

export const secretAssignment: Detector = {
  type: 'generic_secret',
  category: 'secret',
  priority: 20,
  anchors: ['pass', 'pwd', 'pw', 'secret', 'token', 'key', 'auth', 'credential', 'creds', 'sig', 'cookie', 'bearer', 'jwt', 'pat'],
  ignoreCase: true,
  reach: { before: NAME_REACH + 2, after: NAME_REACH + 20 + MAX_VALUE + 2 },
  detect(text, at): DetectedSpan | null {
    let nameStart = at;
    while (nameStart > 0 && at - nameStart < NAME_REACH && isNameChar(text.charCodeAt(nameStart - 1))) nameStart--;
    if (nameStart > 0 && isNameChar(text.charCodeAt(nameStart - 1))) return null;
    let nameEnd = at;
    while (nameEnd < text.length && nameEnd - at < NAME_REACH && isNameChar(text.charCodeAt(nameEnd))) nameEnd++;
    if (isNameChar(text.charCodeAt(nameEnd))) return null;
    const name = text.slice(nameStart, nameEnd);
    const strength = strengthOf(name);
    if (!strength) return null;

    let pos = nameEnd;
    const open = text[nameStart - 1];
    if ((open === '"' || open === "'" || open === '`') && text[pos] === open) pos++;
    if (text[pos] === ']') pos++;
    const isFlag = text[nameStart - 1] === '-' && text[nameStart - 2] === '-';

    let prose = false;
    let valuePos = -1;
    for (const op of [OPERATOR, XML_VALUE]) {
      op.lastIndex = pos;
      const m = op.exec(text);
      if (m) {
        valuePos = pos + m[0].length;
        break;
      }
    }
    if (valuePos < 0 && (isFlag || strength === 'password')) {
      const gap = isFlag ? FLAG_GAP : PROSE_OPERATOR;
      gap.lastIndex = pos;
      const m = gap.exec(text);
      if (m) {
        valuePos = pos + m[0].length;
        prose = !isFlag;
      }
    }
    if (valuePos < 0) return null;
    const value = valueAt(text, valuePos);
    if (!value) return null;
    const raw = text.slice(value.start, value.end);
    if (!plausible(raw, value.quoted, strength, prose || (!value.quoted && isFlag))) return null;
    return { start: value.start, end: value.end };
  },
};
