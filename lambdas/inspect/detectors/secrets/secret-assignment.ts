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
const NAME_LEFT = 48;
const NAME_RIGHT = 32;
/** Longest stretch from the keyword to the start of the value: rest of the name, quote, type, operator. */
const PREFIX_REACH = NAME_RIGHT + 40;
const MAX_VALUE = 1024;

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
const ELEMENT_END = /</;
/** After `&`: what makes it a separator (`&&`, `&next=`, `&amp;`, a space, the end) rather than part of a password. */
const SEPARATES = /[&\s]|[A-Za-z0-9_.[\]-]{1,64}=|amp;|$/y;
/** How far past an `&` SEPARATES reads. */
const AMPERSAND_LOOKAHEAD = 66;

/** `&` ends a bare value only as a separator: `Tr0ub4dor&3xq` is one password, `a=1&b=2` two parameters. */
function insideValue(text: string, at: number): boolean {
  if (text[at] !== '&') return false;
  SEPARATES.lastIndex = at + 1;
  return !SEPARATES.test(text);
}

/** Where a value starts after a name, and how it is delimited. */
interface ValueStart {
  strength: Strength;
  pos: number;
  mode: 'quoted' | 'bare' | 'element';
  prose: boolean;
}

/** Reads the name around the keyword at `at` and what follows it, up to where the value starts. */
function locate(text: string, at: number): ValueStart | null {
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
  if (before === '<' && text[pos] === '>') return { strength, pos: pos + 1, mode: 'element', prose: false };
  const isFlag = before === '-' && text[nameStart - 2] === '-';

  GO_TYPE.lastIndex = pos;
  if (GO_TYPE.exec(text)) pos = GO_TYPE.lastIndex;
  let valuePos = -1;
  let prose = false;
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
  return { strength, pos: valuePos, mode: QUOTE.test(text[valuePos] ?? '') ? 'quoted' : 'bare', prose };
}

/**
 * The value's extent: `end` is where it stops, `complete` whether its terminator (closing quote,
 * end of the bare run, closing tag) was seen within reach.
 */
function extent(text: string, v: ValueStart): { start: number; end: number; complete: boolean } | null {
  if (v.mode === 'quoted') {
    const q = text[v.pos];
    const limit = Math.min(text.length, v.pos + 2 + MAX_VALUE);
    for (let i = v.pos + 1; i < limit; i++) {
      const c = text[i];
      if (c === q && text[i - 1] !== '\\') return i > v.pos + 1 ? { start: v.pos + 1, end: i, complete: true } : null;
      if (c === '\n') return null;
    }
    return { start: v.pos + 1, end: limit, complete: false };
  }
  const stop = v.mode === 'element' ? ELEMENT_END : VALUE_END;
  const limit = Math.min(text.length, v.pos + MAX_VALUE);
  let end = v.pos;
  while (end < limit && (!stop.test(text[end]!) || (stop === VALUE_END && insideValue(text, end)))) end++;
  return { start: v.pos, end, complete: end - v.pos < MAX_VALUE };
}

function valueSpan(text: string, v: ValueStart): DetectedSpan | null {
  const e = extent(text, v);
  if (!e || (!e.complete && e.end - e.start >= MAX_VALUE)) return null;
  let { start, end } = e;
  if (v.mode === 'element') {
    if (!text.startsWith('</', end)) return null;
    while (start < end && /\s/.test(text[start]!)) start++;
    while (end > start && /\s/.test(text[end - 1]!)) end--;
    if (/\s/.test(text.slice(start, end))) return null;
  } else if (v.mode === 'bare') {
    while (end > start && /[.:]/.test(text[end - 1]!)) end--;
  }
  if (end <= start) return null;
  const value = text.slice(start, end);
  return plausible(value, v.mode !== 'bare', v.strength, v.prose) ? { start, end } : null;
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

export const secretAssignment: Detector = {
  type: 'generic_secret',
  category: 'secret',
  priority: 20,
  anchors: ['pass', 'pw', 'secret', 'token', 'key', 'auth', 'cred'],
  ignoreCase: true,
  reach: { before: NAME_LEFT + 3, after: PREFIX_REACH + MAX_VALUE + 2, lead: PREFIX_REACH },
  detect(text, at) {
    const v = locate(text, at);
    return v ? valueSpan(text, v) : null;
  },
  // Names and operators are short; values can be long, so a stream holds one back only while it grows.
  isOpen(text, at) {
    if (text.length - at <= PREFIX_REACH) return true;
    const v = locate(text, at);
    if (!v) return false;
    const e = extent(text, v);
    if (!e || e.end - e.start >= MAX_VALUE) return false;
    if (v.mode === 'quoted') {
      // Open until the closing quote; a quoted value that already reads like prose never becomes a secret.
      return !e.complete && e.end >= text.length && !/\s\S+\s/.test(text.slice(e.start, e.end));
    }
    // A bare value is open while its run reaches the end; an element value until its closing tag is in.
    // (or ends at an `&` whose separator test could still change as text arrives).
    if (v.mode === 'element') return e.end + 2 > text.length;
    return e.end >= text.length || (text[e.end] === '&' && text.length - e.end <= AMPERSAND_LOOKAHEAD);
  },
};
