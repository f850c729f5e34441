import * as z from 'zod';
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
const count = z.number().int().nonnegative();

/** UTC timestamps, rewritten to the one canonical form so that the index sort keys order correctly. */
const timestamp = z.iso.datetime().transform((s) => new Date(s).toISOString());

const recordFields = {
  id: z.string().min(1),
  createdAt: timestamp,
  updatedAt: timestamp,
  principal: z.object({
    issuer: z.string(),
    sub: z.string().min(1),
    email: z.string().optional(),
    groups: z.array(z.string()),
    clientId: z.string().optional(),
  }),
  route: z.string(),
  model: z.string().optional(),
  stream: z.boolean(),
  decision: decision.optional(),
  status,
  risk: z
    .object({
      score: z.number(),
      reasons: z.array(z.object({ id: z.string(), points: z.number(), message: z.string() })),
    })
    .optional(),
  findingCounts: z.record(z.string(), count),
  usage: z
    .object({ promptTokens: count.optional(), completionTokens: count.optional(), totalTokens: count.optional() })
    .optional(),
  costUsd: z.number().nonnegative().optional(),
  timings: z
    .object({
      overheadMs: z.number().nonnegative().optional(),
      upstreamFirstByteMs: z.number().nonnegative().optional(),
      upstreamMs: z.number().nonnegative().optional(),
      totalMs: z.number().nonnegative().optional(),
    })
    .optional(),
  transcriptKey: z.string().optional(),
  transcriptSha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  approval: z
    .object({
      approver: z.string().optional(),
      decision: z.enum(['approved', 'denied', 'expired']).optional(),
      reason: z.string().optional(),
      decidedAt: timestamp.optional(),
    })
    .optional(),
  errorCode: z.string().optional(),
  httpStatus: z.number().int().optional(),
  upstream: z.object({ name: z.string().min(1), fallbackFrom: z.string().min(1).optional() }).optional(),
};

const sessionRecordSchema = z.object(recordFields);
const sessionUpdateSchema = sessionRecordSchema.omit({ id: true, createdAt: true, principal: true, route: true }).partial();

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

function parseOrThrow(schema: z.ZodType, value: unknown, operation: string): unknown {
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
