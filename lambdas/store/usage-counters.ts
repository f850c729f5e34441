import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { toDocumentClient } from './dynamo-client';
import { toStoreError } from './store-error';

/**
 * Counters of fixed windows (a caller's requests this minute, a group's tokens today), keyed by
 * scope and window (`p:<issuer>|<sub>|rpm|<minute>`): the rate limits' and budgets' store. Every
 * engine behind it counts atomically, so concurrent requests can never take more than the limit.
 */
export interface UsageCounters {
  /** Adds `amount` to the counter unless that takes it above `limit`; whether it did. `expiresAt`: epoch seconds (TTL). */
  consume(key: string, amount: number, limit: number, expiresAt: number): Promise<boolean>;
  /** Adds `amount` (tokens after an answer; a negative one gives back a request not made). */
  add(key: string, amount: number, expiresAt: number): Promise<void>;
  /** The counter's value, 0 when it does not exist. */
  read(key: string): Promise<number>;
}

/** The usage table: one item per counter, removed by TTL once its window is long past. */
export const USAGE_TABLE = { partitionKey: 'id', ttlAttribute: 'expiresAt', valueAttribute: 'used' } as const;

const NAMES = { '#id': USAGE_TABLE.partitionKey, '#used': USAGE_TABLE.valueAttribute, '#ttl': USAGE_TABLE.ttlAttribute };

/** The counters on DynamoDB: one UpdateItem each, `ADD` under a condition, so the check and the increment are one atomic write. */
export class DynamoUsageCounters implements UsageCounters {
  private readonly tableName: string;
  private readonly client: DynamoDBDocumentClient;

  constructor(options: { tableName: string; client?: DynamoDBDocumentClient | DynamoDBClient }) {
    this.tableName = options.tableName;
    this.client = toDocumentClient(options.client);
  }

  async consume(key: string, amount: number, limit: number, expiresAt: number): Promise<boolean> {
    if (amount > limit) return false;
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [USAGE_TABLE.partitionKey]: key },
          UpdateExpression: 'ADD #used :amount SET #ttl = :ttl',
          ConditionExpression: 'attribute_not_exists(#id) OR #used <= :room',
          ExpressionAttributeNames: NAMES,
          ExpressionAttributeValues: { ':amount': amount, ':ttl': expiresAt, ':room': limit - amount },
        }),
      );
      return true;
    } catch (err) {
      if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw toStoreError('usage.consume', err);
    }
  }

  async add(key: string, amount: number, expiresAt: number): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [USAGE_TABLE.partitionKey]: key },
          UpdateExpression: 'ADD #used :amount SET #ttl = :ttl',
          ExpressionAttributeNames: { '#used': NAMES['#used'], '#ttl': NAMES['#ttl'] },
          ExpressionAttributeValues: { ':amount': amount, ':ttl': expiresAt },
        }),
      );
    } catch (err) {
      throw toStoreError('usage.add', err);
    }
  }

  async read(key: string): Promise<number> {
    try {
      const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { [USAGE_TABLE.partitionKey]: key }, ConsistentRead: true }));
      const used = Item?.[USAGE_TABLE.valueAttribute];
      return typeof used === 'number' ? used : 0;
    } catch (err) {
      throw toStoreError('usage.read', err);
    }
  }
}
