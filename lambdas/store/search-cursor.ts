import { createHash } from 'node:crypto';
import * as z from '../shared/zod';
import { invalidRequest } from '../shared/errors';
import type { PageRequest, SessionFilter } from './types';

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

export function decodeCursor<C extends { f: string }>(schema: z.core.$ZodType<C>, value: string, fingerprint: string): C {
  let cursor: C;
  try {
    cursor = z.parse(schema, JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
  } catch {
    throw invalidRequest('The cursor is not valid.', 'cursor');
  }
  if (cursor.f !== fingerprint) throw invalidRequest('The cursor does not belong to this search.', 'cursor');
  return cursor;
}


const DEFAULT_LIMIT = 50;
/** The largest page a search returns; DynamoDB's own batch size is bounded by it too. */
export const MAX_LIMIT = 1000;

/** Where a page of a search starts, for every engine alike: the checked limit, the filter's fingerprint, and the decoded cursor if any. */
export function pageStart<C extends { f: string }>(schema: z.core.$ZodType<C>, filter: SessionFilter, page: PageRequest): { limit: number; fingerprint: string; cursor: C | undefined } {
  const limit = page.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw invalidRequest(`limit must be an integer from 1 to ${MAX_LIMIT}.`, 'limit');
  }
  const fingerprint = filterFingerprint(filter);
  return { limit, fingerprint, cursor: page.cursor === undefined ? undefined : decodeCursor(schema, page.cursor, fingerprint) };
}
