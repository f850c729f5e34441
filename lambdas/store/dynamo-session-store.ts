import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { toDocumentClient } from './dynamo-client';
import { shardKeyOf } from './index-shards';
import { SESSION_TABLE } from './schema';
import { fromSessionItem, toSessionItem, toSessionUpdate } from './session-item';
import { isConditionalCheckFailed, toStoreError } from './store-error';
import type { SessionRecord, SessionStatus, SessionStore, SessionUpdate } from './types';

export interface DynamoSessionStoreOptions {
  tableName: string;
  /** Defaults to a client from the Lambda environment (region and credentials). */
  client?: DynamoDBDocumentClient | DynamoDBClient;
  /** Days after `createdAt` at which DynamoDB's TTL may delete the item. */
  ttlDays: number;
  /** Source of `updatedAt` when an update does not set it. */
  clock?: () => Date;
}

/** The session index in DynamoDB: one item per session, keyed by id (see schema.ts for the indexes). */
export class DynamoSessionStore implements SessionStore {
  private readonly tableName: string;
  private readonly client: DynamoDBDocumentClient;
  private readonly ttlDays: number;
  private readonly clock: () => Date;

  constructor(options: DynamoSessionStoreOptions) {
    if (!Number.isInteger(options.ttlDays) || options.ttlDays <= 0) throw new RangeError('ttlDays must be a positive integer');
    this.tableName = options.tableName;
    this.client = toDocumentClient(options.client);
    this.ttlDays = options.ttlDays;
    this.clock = options.clock ?? (() => new Date());
  }

  async create(record: SessionRecord): Promise<void> {
    const item = toSessionItem(record, this.ttlDays);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(#id)',
          ExpressionAttributeNames: { '#id': SESSION_TABLE.partitionKey },
        }),
      );
    } catch (err) {
      throw toStoreError('session.create', err);
    }
  }

  /**
   * Sets the given fields (and `updatedAt`). Returns false, without writing, when the session does
   * not exist or its status is not one of `expectedStatus`.
   */
  async update(id: string, update: SessionUpdate, expectedStatus?: SessionStatus[]): Promise<boolean> {
    const fields: Record<string, unknown> = { ...toSessionUpdate(update) };
    fields.updatedAt ??= this.clock().toISOString();
    // The status index entry moves with the status (and an item from before sharding gets one).
    if (typeof fields.status === 'string') fields.statusShard = shardKeyOf(fields.status, id);

    const names: Record<string, string> = { '#id': SESSION_TABLE.partitionKey };
    const values: Record<string, unknown> = {};
    const assignments = Object.entries(fields).map(([field, value], i) => {
      names[`#f${i}`] = field;
      values[`:f${i}`] = value;
      return `#f${i} = :f${i}`;
    });

    let condition = 'attribute_exists(#id)';
    if (expectedStatus) {
      if (expectedStatus.length === 0) return false;
      names['#status'] = 'status';
      const placeholders = expectedStatus.map((s, i) => {
        values[`:expected${i}`] = s;
        return `:expected${i}`;
      });
      condition += ` AND #status IN (${placeholders.join(', ')})`;
    }

    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [SESSION_TABLE.partitionKey]: id },
          UpdateExpression: `SET ${assignments.join(', ')}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw toStoreError('session.update', err);
    }
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    try {
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: { [SESSION_TABLE.partitionKey]: id }, ConsistentRead: true }),
      );
      return Item ? fromSessionItem(Item) : undefined;
    } catch (err) {
      throw toStoreError('session.get', err);
    }
  }
}
