import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import * as z from 'zod';
import { invalidRequest } from '../../lambdas/shared/errors';
import type { PageRequest, SessionFilter, SessionPage, SessionQueries, SessionRecord } from '../../lambdas/store/types';
import { toLocalStoreError } from './sqlite-store-error';
import { encodeCursor, pageStart } from '../../lambdas/store/search-cursor';

export interface SqliteSessionQueriesOptions {
  db: DatabaseSync;
  /** Without `from`, a search with neither principal nor status looks back this many days (as on DynamoDB). */
  defaultLookbackDays?: number;
  clock?: () => Date;
}

const DAY_MS = 86_400_000;

/** Opaque to callers: the filter it belongs to, the last row returned (keyset), the resolved range. */
const cursorSchema = z.object({
  f: z.string(),
  c: z.string(),
  i: z.string(),
  from: z.string().optional(),
  to: z.string().optional(),
});
type Cursor = z.infer<typeof cursorSchema>;

/**
 * Audit search over the embedded database: the same filters, order (newest first) and cursor rules
 * as DynamoSessionQueries, served by the indexes on (principal, time), (status, time) and (time).
 */
export class SqliteSessionQueries implements SessionQueries {
  private readonly lookbackDays: number;
  private readonly clock: () => Date;

  constructor(private readonly options: SqliteSessionQueriesOptions) {
    this.lookbackDays = options.defaultLookbackDays ?? 30;
    this.clock = options.clock ?? (() => new Date());
  }

  async listSessions(filter: SessionFilter, page: PageRequest = {}): Promise<SessionPage> {
    const { limit, fingerprint, cursor } = pageStart(cursorSchema, filter, page);
    const { sql, params, from, to } = this.statement(filter, cursor);
    let rows: { record: string }[];
    try {
      rows = this.options.db.prepare(sql).all({ ...params, limit: limit + 1 }) as { record: string }[];
    } catch (err) {
      throw toLocalStoreError('session.list', err);
    }
    const items = rows.slice(0, limit).map((row) => JSON.parse(row.record) as SessionRecord);
    if (rows.length <= limit) return { items };
    const last = items[items.length - 1]!;
    return { items, nextCursor: encodeCursor({ f: fingerprint, c: last.createdAt, i: last.id, from, to }) };
  }

  /** The query for a filter; exported for the test that checks every filter is served by an index. */
  statement(filter: SessionFilter, cursor?: Cursor): { sql: string; params: Record<string, SQLInputValue>; from?: string; to?: string } {
    let from = timestampParam(filter.from ?? cursor?.from, 'from');
    let to = timestampParam(filter.to ?? cursor?.to, 'to');
    if (from && to && from > to) throw invalidRequest('from must not be later than to.', 'from');
    if (filter.principal === undefined && filter.status === undefined) {
      to ??= this.clock().toISOString();
      from ??= new Date(Date.parse(to) - this.lookbackDays * DAY_MS).toISOString();
    }

    const where: string[] = [];
    const params: Record<string, SQLInputValue> = {};
    const equals = (column: string, name: string, value: string | undefined) => {
      if (value === undefined) return;
      where.push(`${column} = :${name}`);
      params[name] = value;
    };
    equals('principal_sub', 'principal', filter.principal);
    equals('status', 'status', filter.status);
    equals('issuer', 'issuer', filter.issuer);
    equals('client_id', 'client', filter.client);
    equals('model', 'model', filter.model);
    equals('decision', 'decision', filter.decision);
    if (filter.group !== undefined) {
      where.push(`EXISTS (SELECT 1 FROM json_each(record, '$.principal.groups') WHERE value = :group)`);
      params.group = filter.group;
    }
    if (filter.minRisk !== undefined) {
      if (!Number.isFinite(filter.minRisk)) throw invalidRequest('min_risk must be a number.', 'min_risk');
      where.push('risk_score >= :minRisk');
      params.minRisk = filter.minRisk;
    }
    if (from !== undefined) {
      where.push('created_at >= :from');
      params.from = from;
    }
    if (to !== undefined) {
      where.push('created_at <= :to');
      params.to = to;
    }
    if (cursor) {
      where.push('(created_at, id) < (:afterCreatedAt, :afterId)');
      params.afterCreatedAt = cursor.c;
      params.afterId = cursor.i;
    }
    const sql = `SELECT record FROM sessions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT :limit`;
    return { sql, params, ...(from ? { from } : {}), ...(to ? { to } : {}) };
  }
}

function timestampParam(value: string | undefined, param: 'from' | 'to'): string | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw invalidRequest(`${param} must be an ISO 8601 timestamp.`, param);
  return new Date(ms).toISOString();
}
