import {
  CreateTableCommand,
  DescribeTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { SESSION_TABLE } from './schema';

/**
 * The session table as a CreateTable request, built from schema.ts: what tests, the local
 * runtime and the docs create. (The CDK construct builds the deployed table from schema.ts too.)
 */
export function sessionTableDefinition(tableName: string): CreateTableCommandInput {
  const indexes = Object.values(SESSION_TABLE.indexes);
  const keyAttributes = new Set<string>([SESSION_TABLE.partitionKey, ...indexes.flatMap((i) => [i.partitionKey, i.sortKey])]);
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...keyAttributes].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
    KeySchema: [{ AttributeName: SESSION_TABLE.partitionKey, KeyType: 'HASH' }],
    GlobalSecondaryIndexes: indexes.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    })),
  };
}

/**
 * Creates the session table unless it exists, waits until it is active and turns TTL on
 * (skipped where the local engine has no UpdateTimeToLive, e.g. dynalite).
 */
export async function createSessionTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await ensureTable(client, sessionTableDefinition(tableName), SESSION_TABLE.ttlAttribute);
}

/** Creates a table from its definition unless it exists, waits until it is active, and turns TTL on where supported. */
export async function ensureTable(client: DynamoDBClient, definition: CreateTableCommandInput, ttlAttribute: string): Promise<void> {
  const TableName = definition.TableName!;
  if (!(await tableExists(client, TableName))) {
    await client.send(new CreateTableCommand(definition));
    await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 0.05, maxDelay: 0.5 }, { TableName });
  }
  try {
    await client.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true } }));
  } catch (err) {
    const name = (err as { name?: string }).name;
    // Already enabled, or an engine without the operation: the item attribute is still written.
    if (name !== 'ValidationException' && name !== 'UnknownOperationException') throw err;
  }
}

async function tableExists(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === 'ResourceNotFoundException') return false;
    throw err;
  }
}
