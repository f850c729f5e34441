import type { CreateTableCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable } from './table-definition';

/**
 * The approval table, apart from the session table: approval requests and the Step Functions task
 * tokens that resume their executions. Token items live under their own key prefix so IAM can keep
 * every function except notify and decide away from them (`dynamodb:LeadingKeys`).
 */
export const APPROVAL_TABLE = {
  partitionKey: 'id',
  ttlAttribute: 'expiresAt',
  /** Key prefix of task-token items; approval ids never contain '#'. */
  tokenPrefix: 'token#',
  indexes: {
    /** The approvals of one (principal, request body) pair, newest first: how a re-send finds its approval. */
    byRequestHash: { name: 'byRequestHash', partitionKey: 'requestHash', sortKey: 'createdAt' },
  },
} as const;

export function approvalTableDefinition(tableName: string): CreateTableCommandInput {
  const index = APPROVAL_TABLE.indexes.byRequestHash;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [APPROVAL_TABLE.partitionKey, index.partitionKey, index.sortKey].map((AttributeName) => ({
      AttributeName,
      AttributeType: 'S',
    })),
    KeySchema: [{ AttributeName: APPROVAL_TABLE.partitionKey, KeyType: 'HASH' }],
    GlobalSecondaryIndexes: [
      {
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        // Keys only: a re-send then reads the approval itself with a consistent read.
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
  };
}

/** Creates the approval table unless it exists and turns TTL on where the engine supports it. */
export async function createApprovalTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await ensureTable(client, approvalTableDefinition(tableName), APPROVAL_TABLE.ttlAttribute);
}
