import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { toDocumentClient } from './dynamo-client';
import { shardKeyOf } from './index-shards';
import { SESSION_TABLE } from './schema';
import { dayOf } from './session-item';
import { isConditionalCheckFailed } from './store-error';

export interface ShardMigrationOptions {
  tableName: string;
  client?: DynamoDBDocumentClient | DynamoDBClient;
  /** Parallel scan segments (default 4). */
  segments?: number;
}

/**
 * The one-off migration of a session table written before the byStatus and byDay indexes were
 * sharded (docs/scale.md): every item without `statusShard` gets it, and its `day` moves to its
 * shard. An operator runs it once, between the two deployments of the migration; no function
 * calls it (it is the only Scan in Airlock). Safe beside live traffic: an item the store updated
 * meanwhile already carries its shard and is skipped by the condition.
 */
export async function backfillIndexShards(options: ShardMigrationOptions): Promise<{ scanned: number; updated: number }> {
  const client = toDocumentClient(options.client);
  const segments = options.segments ?? 4;
  let scanned = 0;
  let updated = 0;
  await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new ScanCommand({
            TableName: options.tableName,
            Segment: segment,
            TotalSegments: segments,
            FilterExpression: 'attribute_not_exists(statusShard)',
            ProjectionExpression: '#id, #status, createdAt',
            ExpressionAttributeNames: { '#id': SESSION_TABLE.partitionKey, '#status': 'status' },
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        scanned += page.ScannedCount ?? 0;
        for (const item of page.Items ?? []) {
          const id = String(item[SESSION_TABLE.partitionKey]);
          try {
            await client.send(
              new UpdateCommand({
                TableName: options.tableName,
                Key: { [SESSION_TABLE.partitionKey]: id },
                UpdateExpression: 'SET statusShard = :status, #day = :day',
                ConditionExpression: 'attribute_exists(#id) AND attribute_not_exists(statusShard)',
                ExpressionAttributeNames: { '#id': SESSION_TABLE.partitionKey, '#day': 'day' },
                ExpressionAttributeValues: { ':status': shardKeyOf(String(item.status), id), ':day': shardKeyOf(dayOf(String(item.createdAt)), id) },
              }),
            );
            updated++;
          } catch (err) {
            if (!isConditionalCheckFailed(err)) throw err;
          }
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    }),
  );
  return { scanned, updated };
}
