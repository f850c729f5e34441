import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { invalidRequest } from '../shared/errors';
import { toDocumentClient } from './dynamo-client';
import { SESSION_TABLE } from './schema';
import { dayOf, fromSessionItem } from './session-item';
import { toStoreError } from './store-error';
import type { PageRequest, SessionFilter, SessionPage, SessionQueries, SessionRecord } from './types';
import { encodeCursor, MAX_LIMIT, pageStart } from './search-cursor';

export interface DynamoSessionQueriesOptions {
  tableName: string;
  client?: DynamoDBDocumentClient | DynamoDBClient;
  /** Without `from`, a search by day (no principal, no status) looks back this many days. */
  defaultLookbackDays?: number;
  /** Queries per page at most, so a long empty range cannot stall one request; the cursor resumes. */
  maxQueriesPerPage?: number;
  clock?: () => Date;
}

type Index = (typeof SESSION_TABLE.indexes)[keyof typeof SESSION_TABLE.indexes];

/** Which index serves a filter, and the partitions to read, newest first. */
interface Plan {
  index: Index;
  partitions: string[];
  from?: string;
  to?: string;
}

/** With filters, DynamoDB's Limit counts items before filtering: read a little ahead. */
const FILTERED_BATCH = 100;
const DAY_MS = 86_400_000;

const cursorSchema = z.object({
  /** Fingerprint of the filter the cursor belongs to. */
  f: z.string(),
  /** Partition to resume in. */
  p: z.string(),
  /** ExclusiveStartKey within that partition. */
  k: z.record(z.string(), z.string()).optional(),
  from: z.string().optional(),
  to: z.string().optional(),
});
type Cursor = z.infer<typeof cursorSchema>;

/** Audit search over the session table's indexes. It never scans the table. */
export class DynamoSessionQueries implements SessionQueries {
  private readonly tableName: string;
  private readonly client: DynamoDBDocumentClient;
  private readonly lookbackDays: number;
  private readonly maxQueries: number;
  private readonly clock: () => Date;

  constructor(options: DynamoSessionQueriesOptions) {
    this.tableName = options.tableName;
    this.client = toDocumentClient(options.client);
    this.lookbackDays = options.defaultLookbackDays ?? 30;
    this.maxQueries = options.maxQueriesPerPage ?? 32;
    this.clock = options.clock ?? (() => new Date());
  }

  async listSessions(filter: SessionFilter, page: PageRequest = {}): Promise<SessionPage> {
    const { limit, fingerprint, cursor } = pageStart(cursorSchema, filter, page);
    const plan = this.plan(filter, cursor);
    const conditions = filterConditions(filter, plan.index);

    let partition = cursor ? plan.partitions.indexOf(cursor.p) : 0;
    let startKey = cursor?.k;
    if (partition < 0 || (startKey && !isStartKeyOf(startKey, plan.index, cursor!.p))) {
      throw invalidRequest('The cursor does not belong to this search.', 'cursor');
    }

    const items: SessionRecord[] = [];
    const resume = (p: number, k?: Record<string, string>): SessionPage =>
      p < plan.partitions.length
        ? { items, nextCursor: encodeCursor({ f: fingerprint, p: plan.partitions[p]!, k, from: plan.from, to: plan.to }) }
        : { items };

    for (let queries = 0; partition < plan.partitions.length; queries++) {
      if (queries === this.maxQueries) return resume(partition, startKey);
      const remaining = limit - items.length;
      const result = await this.query(plan, plan.partitions[partition]!, conditions, startKey, remaining);
      const found = result.items;

      if (found.length > remaining) {
        items.push(...found.slice(0, remaining).map(fromSessionItem));
        return resume(partition, startKeyOf(found[remaining - 1]!, plan.index));
      }
      items.push(...found.map(fromSessionItem));
      if (result.lastKey) {
        startKey = result.lastKey;
      } else {
        partition++;
        startKey = undefined;
      }
      if (items.length === limit) return resume(partition, startKey);
    }
    return { items };
  }

  private plan(filter: SessionFilter, cursor?: Cursor): Plan {
    // A cursor carries the range a search resolved on its first page (defaults depend on the clock).
    const from = timestampParam(filter.from ?? cursor?.from, 'from');
    const to = timestampParam(filter.to ?? cursor?.to, 'to');
    if (from && to && from > to) throw invalidRequest('from must not be later than to.', 'from');

    if (filter.principal !== undefined) return { index: SESSION_TABLE.indexes.byPrincipal, partitions: [filter.principal], from, to };
    if (filter.status !== undefined) return { index: SESSION_TABLE.indexes.byStatus, partitions: [filter.status], from, to };

    const end = to ?? this.clock().toISOString();
    const start = from ?? new Date(Date.parse(end) - this.lookbackDays * DAY_MS).toISOString();
    return { index: SESSION_TABLE.indexes.byDay, partitions: daysDescending(start, end), from: start, to: end };
  }

  private async query(
    plan: Plan,
    partitionValue: string,
    conditions: FilterConditions,
    startKey: Record<string, string> | undefined,
    remaining: number,
  ): Promise<{ items: Record<string, unknown>[]; lastKey?: Record<string, string> }> {
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
      Limit: conditions.expression ? Math.min(MAX_LIMIT, Math.max(remaining, FILTERED_BATCH)) : remaining,
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

function startKeyOf(item: Record<string, unknown>, index: Index): Record<string, string> {
  return {
    [SESSION_TABLE.partitionKey]: String(item[SESSION_TABLE.partitionKey]),
    [index.partitionKey]: String(item[index.partitionKey]),
    [index.sortKey]: String(item[index.sortKey]),
  };
}

function isStartKeyOf(key: Record<string, string>, index: Index, partitionValue: string): boolean {
  const expected = [SESSION_TABLE.partitionKey, index.partitionKey, index.sortKey];
  return Object.keys(key).length === expected.length && expected.every((k) => k in key) && key[index.partitionKey] === partitionValue;
}
