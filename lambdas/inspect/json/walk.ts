import type { JsonPath } from '../types';
import { decodePayload } from './encoded';
import { isEnumValue, isOpaque, JSON_TEXT_FIELDS, JSON_VALUE_FIELDS, KNOWN_KEYS, STRUCTURAL_FIELDS } from './skip-list';

export interface Leaf {
  path: JsonPath;
  /** The text is serialized JSON (a JSON-valued field, tool-call arguments): replacements must keep it parseable. */
  json: boolean;
  /** The text is an object key. */
  key?: boolean;
}

export interface WalkHooks {
  /** Maps one text; returns its replacement (the same string when nothing changed). */
  text(text: string, leaf: Leaf): string;
  /** A binary payload (image, PDF, audio) that cannot be inspected. */
  attachment?(leaf: Leaf, mediaType: string): void;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The dotted form of a path, as findings carry it: `messages.2.content.0.text`. */
export const dottedPath = (path: JsonPath): string => path.join('.');

/** Keys that could carry text: not one of the wire formats' own, and long enough to hold a secret. */
const inspectableKey = (key: string): boolean => key.length >= 6 && !KNOWN_KEYS.has(key);

/**
 * Rebuilds a JSON value with every string leaf (and every unfamiliar object key) passed through
 * `hooks.text`, except the named structural and opaque fields of skip-list.ts. Encoded payloads
 * are decoded for it and re-encoded; JSON-valued fields go through as one JSON text. Unchanged
 * subtrees are returned as they are; the input is never mutated.
 */
export function mapJson(value: unknown, hooks: WalkHooks, path: JsonPath = []): unknown {
  return visit(value, hooks, path, undefined, undefined);
}

function visit(value: unknown, hooks: WalkHooks, path: JsonPath, key: string | number | undefined, parent: Obj | undefined): unknown {
  if (typeof value === 'string') return visitString(value, hooks, path, key, parent);
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = visit(value[i], hooks, [...path, i], i, undefined);
      if (v !== value[i]) (out ??= value.slice())[i] = v;
    }
    return out ?? value;
  }
  if (!isObj(value)) return value;
  if (typeof key === 'string' && JSON_VALUE_FIELDS.has(key)) return visitJsonValue(value, hooks, path);
  let changed = false;
  const next: Array<[string, unknown]> = [];
  for (const [k, v] of Object.entries(value)) {
    const childPath = [...path, k];
    const mapped = visit(v, hooks, childPath, k, value);
    const newKey = inspectableKey(k) ? hooks.text(k, { path: childPath, json: false, key: true }) : k;
    if (mapped !== v || newKey !== k) changed = true;
    next.push([newKey, mapped]);
  }
  return changed ? Object.fromEntries(next) : value;
}

function visitString(value: string, hooks: WalkHooks, path: JsonPath, key: string | number | undefined, parent: Obj | undefined): string {
  if (typeof key === 'string') {
    if (Object.hasOwn(STRUCTURAL_FIELDS, key) && isEnumValue(value)) return value;
    if (isOpaque(key, parent)) return value;
  }
  if (value.length === 0) return value;
  const decoded = mapEncodedString(value, hooks, path, key, parent);
  if (decoded !== null) return decoded;
  return hooks.text(value, { path, json: typeof key === 'string' && JSON_TEXT_FIELDS.has(key) });
}

/**
 * A JSON-valued field: encoded payloads inside it are decoded and masked leaf by leaf first, then
 * the whole value is masked as one JSON text. Should the masked text not parse, each leaf is masked alone.
 */
function visitJsonValue(value: Obj, hooks: WalkHooks, path: JsonPath): unknown {
  const decoded = mapEncoded(value, hooks, path, undefined, undefined) as Obj;
  const json = JSON.stringify(decoded);
  const masked = hooks.text(json, { path, json: true });
  if (masked === json) return decoded;
  try {
    return JSON.parse(masked);
  } catch {
    return mapLeaves(decoded, hooks, path);
  }
}

function mapEncoded(value: unknown, hooks: WalkHooks, path: JsonPath, key: string | number | undefined, parent: Obj | undefined): unknown {
  if (typeof value === 'string') return mapEncodedString(value, hooks, path, key, parent) ?? value;
  if (Array.isArray(value)) return value.map((v, i) => mapEncoded(v, hooks, [...path, i], i, undefined));
  if (isObj(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapEncoded(v, hooks, [...path, k], k, value)]));
  return value;
}

/** An encoded payload mapped (text decoded, masked, re-encoded; binary reported), or null for plain text. */
function mapEncodedString(value: string, hooks: WalkHooks, path: JsonPath, key: string | number | undefined, parent: Obj | undefined): string | null {
  const siblingType = typeof parent?.media_type === 'string' && key === 'data' ? parent.media_type.toLowerCase() : undefined;
  const encoded = decodePayload(value, siblingType);
  if (!encoded) return null;
  if (encoded.text === undefined) {
    hooks.attachment?.({ path, json: false }, encoded.mediaType);
    return value;
  }
  const masked = hooks.text(encoded.text, { path, json: false });
  return masked === encoded.text ? value : encoded.reencode(masked);
}

function mapLeaves(value: unknown, hooks: WalkHooks, path: JsonPath): unknown {
  if (typeof value === 'string') return hooks.text(value, { path, json: false });
  if (Array.isArray(value)) return value.map((v, i) => mapLeaves(v, hooks, [...path, i]));
  if (isObj(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapLeaves(v, hooks, [...path, k])]));
  return value;
}
