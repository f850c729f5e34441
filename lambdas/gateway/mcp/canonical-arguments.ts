import { createHash } from 'node:crypto';

/**
 * Tool-call arguments as one canonical text: the JSON Canonicalization Scheme (RFC 8785) for the
 * JSON values MCP carries. Object members sorted by their UTF-16 code units, no whitespace,
 * strings and numbers as `JSON.stringify` writes them (which is what RFC 8785 prescribes).
 * Members whose value is `undefined` are left out, as on the wire. Any language's JCS library
 * produces the same text, so an upstream can check a hash over it.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no form for a non-finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new TypeError(`canonical JSON has no form for a ${typeof value}`);
}

/** SHA-256 over the canonical JSON of a call's arguments (absent arguments count as `{}`), base64url without padding. */
export function argumentsSha256(args: unknown): string {
  return createHash('sha256')
    .update(canonicalJson(args ?? {}), 'utf8')
    .digest('base64url');
}
