import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type * as z from '../shared/zod';
import { approvalSchema, approvalUpdateSchema, storedApprovalSchema } from './approval-schema';
import { APPROVAL_TABLE } from './approval-table';
import type { ApprovalRequest, ApprovalStatus, ApprovalStore, ApprovalUpdate, RemovableField, TaskTokenStore } from './approval-types';
import { toDocumentClient } from './dynamo-client';
import { isConditionalCheckFailed, StoreError, toStoreError } from './store-error';

/** How long an approval item outlives its re-use window before DynamoDB's TTL may delete it. */
const RETAIN_AFTER_REUSE_SECONDS = 30 * 24 * 3600;

export interface DynamoApprovalStoreOptions {
  tableName: string;
  client?: DynamoDBDocumentClient | DynamoDBClient;
  clock?: () => Date;
}

/** Approval requests in the approval table (see approval-table.ts). */
export class DynamoApprovalStore implements ApprovalStore {
  private readonly tableName: string;
  private readonly client: DynamoDBDocumentClient;
  private readonly clock: () => Date;

  constructor(options: DynamoApprovalStoreOptions) {
    this.tableName = options.tableName;
    this.client = toDocumentClient(options.client);
    this.clock = options.clock ?? (() => new Date());
  }

  async create(approval: ApprovalRequest): Promise<void> {
    const item = parseOrThrow(approvalSchema, approval, 'approval.create');
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...item, [APPROVAL_TABLE.ttlAttribute]: ttlFor(item.reuseUntil) },
          ConditionExpression: 'attribute_not_exists(#id)',
          ExpressionAttributeNames: { '#id': APPROVAL_TABLE.partitionKey },
        }),
      );
    } catch (err) {
      throw toStoreError('approval.create', err);
    }
  }

  async get(id: string): Promise<ApprovalRequest | undefined> {
    if (id.includes('#')) return undefined;
    let item: Record<string, unknown> | undefined;
    try {
      ({ Item: item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: { [APPROVAL_TABLE.partitionKey]: id }, ConsistentRead: true }),
      ));
    } catch (err) {
      throw toStoreError('approval.get', err);
    }
    if (!item) return undefined;
    const parsed = storedApprovalSchema.safeParse(item);
    if (!parsed.success) throw new StoreError('approval.get', 'corrupt', { fields: parsed.error.issues.map((i) => i.path.join('.')) });
    return parsed.data as ApprovalRequest;
  }

  async findLatestByHash(requestHash: string): Promise<ApprovalRequest | undefined> {
    const index = APPROVAL_TABLE.indexes.byRequestHash;
    let id: unknown;
    try {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index.name,
          KeyConditionExpression: '#h = :h',
          ExpressionAttributeNames: { '#h': index.partitionKey },
          ExpressionAttributeValues: { ':h': requestHash },
          ScanIndexForward: false,
          Limit: 1,
        }),
      );
      id = out.Items?.[0]?.[APPROVAL_TABLE.partitionKey];
    } catch (err) {
      throw toStoreError('approval.findLatestByHash', err);
    }
    return typeof id === 'string' ? this.get(id) : undefined;
  }

  async transition(
    id: string,
    from: ApprovalStatus[],
    update: ApprovalUpdate,
    options: { undecidedAt?: string; remove?: RemovableField[] } = {},
  ): Promise<boolean> {
    if (from.length === 0 || id.includes('#')) return false;
    const fields: Record<string, unknown> = { ...parseOrThrow(approvalUpdateSchema, update, 'approval.transition') };
    fields.updatedAt ??= this.clock().toISOString();
    if (typeof fields.reuseUntil === 'string') fields[APPROVAL_TABLE.ttlAttribute] = ttlFor(fields.reuseUntil);

    const names: Record<string, string> = { '#id': APPROVAL_TABLE.partitionKey, '#status': 'status' };
    const values: Record<string, unknown> = {};
    const assignments = Object.entries(fields)
      .filter(([, value]) => value !== undefined)
      .map(([field, value], i) => {
        names[`#f${i}`] = field;
        values[`:f${i}`] = value;
        return `#f${i} = :f${i}`;
      });
    const removals = (options.remove ?? []).map((field, i) => {
      names[`#r${i}`] = field;
      return `#r${i}`;
    });
    const allowed = from.map((s, i) => {
      values[`:from${i}`] = s;
      return `:from${i}`;
    });
    let condition = `attribute_exists(#id) AND #status IN (${allowed.join(', ')})`;
    if (options.undecidedAt) {
      names['#decideBy'] = 'decideBy';
      values[':at'] = options.undecidedAt;
      condition += ' AND #decideBy > :at';
    }
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [APPROVAL_TABLE.partitionKey]: id },
          UpdateExpression: `SET ${assignments.join(', ')}${removals.length ? ` REMOVE ${removals.join(', ')}` : ''}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw toStoreError('approval.transition', err);
    }
  }
}

/** Task tokens as items `token#{approvalId}` in the approval table. */
export class DynamoTaskTokenStore implements TaskTokenStore {
  private readonly tableName: string;
  private readonly client: DynamoDBDocumentClient;

  constructor(options: { tableName: string; client?: DynamoDBDocumentClient | DynamoDBClient }) {
    this.tableName = options.tableName;
    this.client = toDocumentClient(options.client);
  }

  async put(approvalId: string, taskToken: string, expiresAt: Date): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { [APPROVAL_TABLE.partitionKey]: tokenKey(approvalId), taskToken, [APPROVAL_TABLE.ttlAttribute]: Math.ceil(expiresAt.getTime() / 1000) },
        }),
      );
    } catch (err) {
      throw toStoreError('taskToken.put', err);
    }
  }

  async get(approvalId: string): Promise<string | undefined> {
    try {
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: { [APPROVAL_TABLE.partitionKey]: tokenKey(approvalId) }, ConsistentRead: true }),
      );
      return typeof Item?.taskToken === 'string' ? Item.taskToken : undefined;
    } catch (err) {
      throw toStoreError('taskToken.get', err);
    }
  }

  async delete(approvalId: string): Promise<void> {
    try {
      await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { [APPROVAL_TABLE.partitionKey]: tokenKey(approvalId) } }));
    } catch (err) {
      throw toStoreError('taskToken.delete', err);
    }
  }
}

function tokenKey(approvalId: string): string {
  if (!/^[A-Za-z0-9_-]{10,64}$/.test(approvalId)) throw new StoreError('taskToken', 'invalid', { fields: ['approvalId'] });
  return `${APPROVAL_TABLE.tokenPrefix}${approvalId}`;
}

function ttlFor(reuseUntil: string): number {
  return Math.ceil(Date.parse(reuseUntil) / 1000) + RETAIN_AFTER_REUSE_SECONDS;
}

function parseOrThrow<T extends z.ZodMiniType>(schema: T, value: unknown, operation: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new StoreError(operation, 'invalid', { fields: parsed.error.issues.map((i) => i.path.join('.')) });
  return parsed.data;
}
