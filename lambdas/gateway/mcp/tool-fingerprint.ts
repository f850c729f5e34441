import { createHash } from 'node:crypto';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';

/** The fields of a tool definition a fingerprint covers: everything the model reads about the tool. */
export const FINGERPRINT_FIELDS = ['name', 'title', 'description', 'inputSchema', 'outputSchema', 'annotations'] as const;

/**
 * SHA-256 (hex) over the canonical JSON of the definition's fingerprinted fields as the upstream
 * lists it (before Airlock masks or prefixes anything): object keys sorted by code unit, no
 * whitespace, absent and `undefined` fields left out, arrays in order, strings as they are (an
 * invisible character changes the fingerprint).
 */
export function toolFingerprint(tool: Pick<Tool, 'name'> & Partial<Record<(typeof FINGERPRINT_FIELDS)[number], unknown>>): string {
  const picked: Record<string, unknown> = {};
  for (const field of FINGERPRINT_FIELDS) if (tool[field] !== undefined) picked[field] = tool[field];
  return createHash('sha256').update(canonicalJson(picked)).digest('hex');
}

/** Canonical JSON: the same value always gives the same text, whatever the key order it arrived in. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const keys = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}
