import type { CreateTableCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable } from './table-definition';
import { USAGE_TABLE } from './usage-counters';

/** The usage table as a CreateTable request (tests and the local runtime; the CDK construct builds it from USAGE_TABLE too). Kept apart: the proxy never creates tables. */
function usageTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: USAGE_TABLE.partitionKey, AttributeType: 'S' }],
    KeySchema: [{ AttributeName: USAGE_TABLE.partitionKey, KeyType: 'HASH' }],
  };
}

export async function createUsageTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await ensureTable(client, usageTableDefinition(tableName), USAGE_TABLE.ttlAttribute);
}
