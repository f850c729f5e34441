import { createHash } from 'node:crypto';
import type * as z from 'zod';
import { invalidRequest } from '../shared/errors';
import type { SessionFilter } from './types';

/**
 * The opaque cursor of a session search, shared by every store engine: base64url JSON validated by
 * the engine's own schema, bound to the filter it was issued for (`f`), so a cursor cannot be
 * replayed against another search.
 */
export function filterFingerprint(filter: SessionFilter): string {
  const fields: (keyof SessionFilter)[] = ['principal', 'issuer', 'group', 'client', 'model', 'decision', 'status', 'from', 'to', 'minRisk'];
  return createHash('sha256').update(JSON.stringify(fields.map((f) => filter[f] ?? null))).digest('base64url').slice(0, 16);
}

export function encodeCursor<C extends { f: string }>(cursor: C): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

export function decodeCursor<C extends { f: string }>(schema: z.ZodType<C>, value: string, fingerprint: string): C {
  let cursor: C;
  try {
    cursor = schema.parse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
  } catch {
    throw invalidRequest('The cursor is not valid.', 'cursor');
  }
  if (cursor.f !== fingerprint) throw invalidRequest('The cursor does not belong to this search.', 'cursor');
  return cursor;
}
