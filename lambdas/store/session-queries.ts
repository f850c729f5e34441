import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import * as z from '../shared/zod';
import { invalidRequest } from '../shared/errors';
import { toDocumentClient } from './dynamo-client';
import { shardedKey } from './index-shards';
import { INDEX_WRITE_SHARDS, SESSION_TABLE } from './schema';
import { dayOf, fromSessionItem } from './session-item';
import { toStoreError } from './store-error';
import type { PageRequest, SessionFilter, SessionPage, SessionQueries, SessionRecord } from './types';
import { encodeCursor, MAX_LIMIT, pageStart } from './search-cursor';

export interface DynamoSessionQueriesOptions {
  tableName: string;
  client?: DynamoDBDocumentClient | DynamoDBClient;
  /** Without `from`, a search by day (no principal, no status) looks back this many days. */
  defaultLookbackDays?: number;
  /**
   * Rounds of queries per page at most (a round queries, in parallel, every shard of the current
   * partition that needs more), so a long empty range cannot stall one request; the cursor resumes.
   */
  maxRoundsPerPage?: number;
  clock?: () => Date;
}

type Index = (typeof SESSION_TABLE.indexes)[keyof typeof SESSION_TABLE.indexes];

/** Which index serves a filter, and the partitions to read, newest first. */
interface Plan {
  index: Index;
  /** Logical partitions (a principal, a status, days), newest first; each read as `streamsOf` merged. */
  partitions: string[];
  /** The partition key values holding one logical partition: its write shards (and, for days, the unsharded key of older items). */
  streamsOf(partition: string): string[];
  from?: string;
  to?: string;
}

/** With filters, DynamoDB's Limit counts items before filtering: read a little ahead. */
const FILTERED_BATCH = 100;
const DAY_MS = 86_400_000;

/** Where a stream (one partition key value) resumes: from its top (null), after `[id, createdAt]`, or nowhere (0: read to the end). */
const streamPosition = z.union([z.null(), z.literal(0), z.tuple([z.string().check(z.minLength(1)), z.string().check(z.minLength(1))])]);
type StreamPosition = z.infer<typeof streamPosition>;

const cursorSchema = z.object({
  /** Fingerprint of the filter the cursor belongs to. */
  f: z.string(),
  /** Logical partition to resume in. */
  p: z.string(),
  /** Position of each of its streams (absent: all from the top). Keys are rebuilt from these, so a cursor cannot reach another partition. */
  s: z.optional(z.array(streamPosition)),
  from: z.optional(z.string()),
  to: z.optional(z.string()),
});
type Cursor = z.infer<typeof cursorSchema>;

/** Audit search over the session table's indexes. It never scans the table. */
export class DynamoSessionQueries implements SessionQueries {
  private readonly tableName: string;
  private readonly client: DynamoDBDocumentClient;
  private readonly lookbackDays: number;
  private readonly maxRounds: number;
  private readonly clock: () => Date;

  constructor(options: DynamoSessionQueriesOptions) {
    this.tableName = options.tableName;
    this.client = toDocumentClient(options.client);
    this.lookbackDays = options.defaultLookbackDays ?? 30;
    this.maxRounds = options.maxRoundsPerPage ?? 32;
    this.clock = options.clock ?? (() => new Date());
  }

  async listSessions(filter: SessionFilter, page: PageRequest = {}): Promise<SessionPage> {
    const { limit, fingerprint, cursor } = pageStart(cursorSchema, filter, page);
    const plan = this.plan(filter, cursor);
    const conditions = filterConditions(filter, plan.index);

    let partition = cursor ? plan.partitions.indexOf(cursor.p) : 0;
    if (partition < 0) throw invalidRequest('The cursor does not belong to this search.', 'cursor');
    let positions = cursor?.s;
    const items: SessionRecord[] = [];
    const resume = (p: number, s?: StreamPosition[]): SessionPage =>
      p < plan.partitions.length ? { items, nextCursor: encodeCursor({ f: fingerprint, p: plan.partitions[p]!, s, from: plan.from, to: plan.to }) } : { items };

    let rounds = 0;
    for (; partition < plan.partitions.length; partition++, positions = undefined) {
      const keys = plan.streamsOf(plan.partitions[partition]!);
      if (positions && positions.length !== keys.length) throw invalidRequest('The cursor does not belong to this search.', 'cursor');
      const streams = keys.map((key, i) => new Stream(key, plan.index, positions?.[i] ?? null));

      // A k-way merge, newest first: every stream not read to its end needs its next item at hand before one is taken.
      while (items.length < limit) {
        const empty = streams.filter((s) => s.needsQuery());
        if (empty.length > 0) {
          if (rounds === this.maxRounds) return resume(partition, streams.map((s) => s.position));
          rounds++;
          const perStream = batchSize(limit - items.length, streams.length, conditions.expression !== undefined);
          await Promise.all(empty.map(async (s) => s.filled(await this.query(plan, s.key, conditions, s.queryStart(), perStream))));
          continue;
        }
        const newest = newestHead(streams);
        if (!newest) break;
        items.push(fromSessionItem(newest.take()));
      }
      if (items.length === limit) {
        return streams.some((s) => s.position !== 0) ? resume(partition, streams.map((s) => s.position)) : resume(partition + 1);
      }
    }
    return { items };
  }

  private plan(filter: SessionFilter, cursor?: Cursor): Plan {
    // A cursor carries the range a search resolved on its first page (defaults depend on the clock).
    const from = timestampParam(filter.from ?? cursor?.from, 'from');
    const to = timestampParam(filter.to ?? cursor?.to, 'to');
    if (from && to && from > to) throw invalidRequest('from must not be later than to.', 'from');

    if (filter.principal !== undefined) return { index: SESSION_TABLE.indexes.byPrincipal, partitions: [filter.principal], streamsOf: (p) => [p], from, to };
    if (filter.status !== undefined) return { index: SESSION_TABLE.indexes.byStatus, partitions: [filter.status], streamsOf: shardKeys, from, to };

    const end = to ?? this.clock().toISOString();
    const start = from ?? new Date(Date.parse(end) - this.lookbackDays * DAY_MS).toISOString();
    // Items written before the day index was sharded sit under the bare day: one more stream.
    return { index: SESSION_TABLE.indexes.byDay, partitions: daysDescending(start, end), streamsOf: (day) => [...shardKeys(day), day], from: start, to: end };
  }

  private async query(
    plan: Plan,
    partitionValue: string,
    conditions: FilterConditions,
    startKey: Record<string, string> | undefined,
    batch: number,
  ): Promise<QueryResult> {
    const names: Record<string, string> = { ...conditions.names, '#pk': plan.index.partitionKey };
    const values: Record<string, unknown> = { ...conditions.values, ':pk': partitionValue };
    let keyCondition = '#pk = :pk';
    if (plan.from !== undefined || plan.to !== undefined) names['#sk'] = plan.index.sortKey;
    if (plan.from !== undefined) values[':from'] = plan.from;
    if (plan.to !== undefined) values[':to'] = plan.to;
    if (plan.from !== undefined && plan.to !== undefined) keyCondition += ' AND #sk BETWEEN :from AND :to';
    else if (plan.from !== undefined) keyCondition += ' AND #sk >= :from';
    else if (plan.to !== undefined) keyCondition += ' AND #sk <= :to';

    const input: QueryCommandInput = {
      TableName: this.tableName,
      IndexName: plan.index.name,
      KeyConditionExpression: keyCondition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: false,
      Limit: batch,
      ...(conditions.expression ? { FilterExpression: conditions.expression } : {}),
      ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    };
    try {
      const result = await this.client.send(new QueryCommand(input));
      return { items: result.Items ?? [], lastKey: result.LastEvaluatedKey as Record<string, string> | undefined };
    } catch (err) {
      throw toStoreError('session.list', err);
    }
  }
}

interface FilterConditions {
  expression?: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/** Every filter the chosen index does not serve becomes part of the FilterExpression. */
function filterConditions(filter: SessionFilter, index: Index): FilterConditions {
  const parts: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const name = (...path: string[]) =>
    path
      .map((segment) => {
        names[`#${segment}`] = segment;
        return `#${segment}`;
      })
      .join('.');

  if (filter.issuer !== undefined) {
    parts.push(`${name('principal', 'issuer')} = :issuer`);
    values[':issuer'] = filter.issuer;
  }
  if (filter.group !== undefined) {
    parts.push(`contains(${name('principal', 'groups')}, :group)`);
    values[':group'] = filter.group;
  }
  if (filter.client !== undefined) {
    parts.push(`${name('principal', 'clientId')} = :client`);
    values[':client'] = filter.client;
  }
  if (filter.model !== undefined) {
    parts.push(`${name('model')} = :model`);
    values[':model'] = filter.model;
  }
  if (filter.decision !== undefined) {
    parts.push(`${name('decision')} = :decision`);
    values[':decision'] = filter.decision;
  }
  if (filter.status !== undefined && index !== SESSION_TABLE.indexes.byStatus) {
    parts.push(`${name('status')} = :status`);
    values[':status'] = filter.status;
  }
  if (filter.minRisk !== undefined) {
    if (!Number.isFinite(filter.minRisk)) throw invalidRequest('min_risk must be a number.', 'min_risk');
    parts.push(`${name('risk', 'score')} >= :minRisk`);
    values[':minRisk'] = filter.minRisk;
  }
  return { expression: parts.length > 0 ? parts.join(' AND ') : undefined, names, values };
}

function timestampParam(value: string | undefined, param: 'from' | 'to'): string | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw invalidRequest(`${param} must be an ISO 8601 timestamp.`, param);
  return new Date(ms).toISOString();
}

/** UTC days from `to` back to `from`, both included. */
function daysDescending(from: string, to: string): string[] {
  const days: string[] = [];
  const first = Date.parse(`${dayOf(from)}T00:00:00.000Z`);
  for (let t = Date.parse(`${dayOf(to)}T00:00:00.000Z`); t >= first; t -= DAY_MS) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

interface QueryResult {
  items: Record<string, unknown>[];
  lastKey?: Record<string, string>;
}

/**
 * One partition key value as a stream read newest first: what was fetched and not yet taken,
 * where the next query starts, and the position a cursor records (after the last item taken, or
 * after the last key evaluated when a filter dropped everything after it).
 */
class Stream {
  private buffer: Record<string, unknown>[] = [];
  /** Where the next query starts: undefined from the top, 'end' when read to the end. */
  next: Record<string, string> | undefined | 'end';
  position: StreamPosition;

  constructor(
    readonly key: string,
    private readonly index: Index,
    position: StreamPosition,
  ) {
    this.position = position;
    this.next = position === 0 ? 'end' : position === null ? undefined : this.startKey(position[0], position[1]);
  }

  needsQuery(): boolean {
    return this.buffer.length === 0 && this.next !== 'end';
  }

  /** The ExclusiveStartKey of the next query (undefined: from the top). */
  queryStart(): Record<string, string> | undefined {
    return this.next === 'end' ? undefined : this.next;
  }

  get head(): Record<string, unknown> | undefined {
    return this.buffer[0];
  }

  filled(result: QueryResult): void {
    this.buffer = result.items;
    this.next = result.lastKey ?? 'end';
    if (this.buffer.length === 0) this.settle();
  }

  take(): Record<string, unknown> {
    const item = this.buffer.shift()!;
    this.position = [String(item[SESSION_TABLE.partitionKey]), String(item[this.index.sortKey])];
    if (this.buffer.length === 0) this.settle();
    return item;
  }

  /** With nothing left in hand, the stream resumes where the next query would start. */
  private settle(): void {
    if (this.next === 'end') this.position = 0;
    else if (this.next !== undefined) this.position = [String(this.next[SESSION_TABLE.partitionKey]), String(this.next[this.index.sortKey])];
  }

  private startKey(id: string, sortValue: string): Record<string, string> {
    return { [SESSION_TABLE.partitionKey]: id, [this.index.partitionKey]: this.key, [this.index.sortKey]: sortValue };
  }
}

/** The stream whose next item is the newest (ties: the greater id), or none when all are read. */
function newestHead(streams: Stream[]): Stream | undefined {
  let best: Stream | undefined;
  for (const s of streams) {
    const head = s.head;
    if (!head) continue;
    const b = best?.head;
    if (!b || compareNewest(head, b) < 0) best = s;
  }
  return best;
}

const compareNewest = (a: Record<string, unknown>, b: Record<string, unknown>): number =>
  String(b.createdAt).localeCompare(String(a.createdAt)) || String(b.id).localeCompare(String(a.id));

/**
 * Items per stream per query: the page spread over the shards with room for uneven ones (a stream
 * that runs out is queried again in the next round). With a filter DynamoDB counts items before
 * filtering, so read further ahead.
 */
function batchSize(remaining: number, streams: number, filtered: boolean): number {
  const spread = Math.min(remaining, Math.ceil((2 * remaining) / streams) + 1);
  if (!filtered) return spread;
  return Math.min(MAX_LIMIT, Math.max(spread, streams === 1 ? FILTERED_BATCH : Math.ceil(FILTERED_BATCH / 4)));
}

const shardKeys = (value: string): string[] => Array.from({ length: INDEX_WRITE_SHARDS }, (_, n) => shardedKey(value, n));
