import * as z from '../shared/zod';
import { shardKeyOf } from './index-shards';
import { SESSION_TABLE } from './schema';
import { StoreError } from './store-error';
import { SESSION_STATUSES, type SessionRecord, type SessionUpdate } from './types';

/**
 * The mapping between a SessionRecord and its DynamoDB item. Records are parsed through an
 * allow-list schema before they are written: any field outside SessionRecord (a prompt, a token,
 * a principal's raw claims) is dropped here, so it cannot reach the table by accident.
 */

const decision = z.enum(['allow', 'review', 'block']);
const status = z.enum(SESSION_STATUSES);
const count = z.number().check(z.int(), z.nonnegative());

/** UTC timestamps, rewritten to the one canonical form so that the index sort keys order correctly. */
const timestamp = z.pipe(z.iso.datetime(), z.transform((s) => new Date(s).toISOString()));

const recordFields = {
  id: z.string().check(z.minLength(1)),
  createdAt: timestamp,
  updatedAt: timestamp,
  principal: z.object({
    issuer: z.string(),
    sub: z.string().check(z.minLength(1)),
    email: z.optional(z.string()),
    groups: z.array(z.string()),
    clientId: z.optional(z.string()),
  }),
  route: z.string(),
  model: z.optional(z.string()),
  stream: z.boolean(),
  decision: z.optional(decision),
  status,
  risk: z.optional(
    z.object({
      score: z.number(),
      reasons: z.array(z.object({ id: z.string(), points: z.number(), message: z.string() })),
    }),
  ),
  findingCounts: z.record(z.string(), count),
  usage: z.optional(z.object({ promptTokens: z.optional(count), completionTokens: z.optional(count), totalTokens: z.optional(count) })),
  costUsd: z.optional(z.number().check(z.nonnegative())),
  timings: z.optional(
    z.object({
      overheadMs: z.optional(z.number().check(z.nonnegative())),
      upstreamFirstByteMs: z.optional(z.number().check(z.nonnegative())),
      upstreamMs: z.optional(z.number().check(z.nonnegative())),
      totalMs: z.optional(z.number().check(z.nonnegative())),
    }),
  ),
  transcriptKey: z.optional(z.string()),
  transcriptSha256: z.optional(z.string().check(z.regex(/^[0-9a-f]{64}$/))),
  approval: z.optional(
    z.object({
      approver: z.optional(z.string()),
      decision: z.optional(z.enum(['approved', 'denied', 'expired'])),
      reason: z.optional(z.string()),
      decidedAt: z.optional(timestamp),
    }),
  ),
  errorCode: z.optional(z.string()),
  httpStatus: z.optional(z.number().check(z.int())),
  upstream: z.optional(z.object({ name: z.string().check(z.minLength(1)), fallbackFrom: z.optional(z.string().check(z.minLength(1))) })),
};

const sessionRecordSchema = z.object(recordFields);
const sessionUpdateSchema = z.partial(z.omit(sessionRecordSchema, { id: true, createdAt: true, principal: true, route: true }));

/** Attributes the table adds to a record: index keys and TTL. Stripped again on read. */
export interface SessionIndexAttributes {
  principalSub: string;
  /** byStatus partition: `<status>#<shard>` (index-shards.ts). */
  statusShard: string;
  /** byDay partition: `YYYY-MM-DD#<shard>`; a bare `YYYY-MM-DD` on items written before sharding. */
  day: string;
  expiresAt: number;
}

export type SessionItem = SessionRecord & SessionIndexAttributes;

const DAY_SECONDS = 86_400;
const INDEX_ATTRIBUTES = ['principalSub', 'statusShard', 'day', SESSION_TABLE.ttlAttribute] as const;

/** `toISOString()`'s own form: its first ten characters are the UTC day. */
const CANONICAL_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The UTC day (`YYYY-MM-DD`) a timestamp falls in: the byDay partition, before sharding. */
export const dayOf = (isoTimestamp: string): string => (CANONICAL_UTC.test(isoTimestamp) ? isoTimestamp.slice(0, 10) : new Date(isoTimestamp).toISOString().slice(0, 10));

export function toSessionItem(record: SessionRecord, ttlDays: number): SessionItem {
  const parsed = parseOrThrow(sessionRecordSchema, record, 'session.create') as SessionRecord;
  return withoutUndefined({
    ...parsed,
    principalSub: parsed.principal.sub,
    statusShard: shardKeyOf(parsed.status, parsed.id),
    day: shardKeyOf(dayOf(parsed.createdAt), parsed.id),
    expiresAt: Math.floor(Date.parse(parsed.createdAt) / 1000) + ttlDays * DAY_SECONDS,
  });
}

export function toSessionUpdate(update: SessionUpdate): SessionUpdate {
  return withoutUndefined(parseOrThrow(sessionUpdateSchema, update, 'session.update') as SessionUpdate);
}

export function fromSessionItem(item: Record<string, unknown>): SessionRecord {
  const record: Record<string, unknown> = { ...item };
  for (const attribute of INDEX_ATTRIBUTES) delete record[attribute];
  return record as unknown as SessionRecord;
}

function parseOrThrow(schema: z.ZodMiniType, value: unknown, operation: string): unknown {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  // Only the field paths go into the error: values could be content.
  const fields = [...new Set(result.error.issues.map((i) => i.path.join('.') || '(root)'))];
  throw new StoreError(operation, 'invalid', { fields });
}

/** DynamoDB rejects `undefined`; an optional field that is unset is simply absent. */
function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutUndefined) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key in value) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = withoutUndefined(v);
    }
    return out as T;
  }
  return value;
}
