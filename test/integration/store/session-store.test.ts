import { DescribeTimeToLiveCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoSessionStore } from '../../../lambdas/store/dynamo-session-store';
import { createSessionTable } from '../../../lambdas/store/table-definition';
import { localDynamoClient } from '../../../local/embedded-stores';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../support/dynamodb-local';
import { sessionRecord } from './fixtures';
import { sessionStoreContract } from './session-store-contract';

const TABLE = 'sessions-store-test';

describe('DynamoDB session store (DynamoDB Local)', () => {
  let dynamo: DynamoDbLocal;
  let client: DynamoDBClient;

  beforeAll(async () => {
    dynamo = await startDynamoDbLocal();
    client = localDynamoClient(dynamo.endpoint);
    await createSessionTable(client, TABLE);
  }, 30_000);

  afterAll(async () => {
    client?.destroy();
    await dynamo?.stop();
  });

  sessionStoreContract(() => ({ client, tableName: TABLE }));

  it('creates the table with TTL on the expiresAt attribute', async () => {
    const { TimeToLiveDescription } = await client.send(new DescribeTimeToLiveCommand({ TableName: TABLE }));

    expect(TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
  });

  it('reports a missing table as unavailable, without the record in the error', async () => {
    const store = new DynamoSessionStore({ tableName: 'no-such-table', client, ttlDays: 1 });
    const record = sessionRecord({ model: 'model-name-that-must-not-leak' });

    const error = await store.create(record).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'StoreError', code: 'unavailable', awsError: 'ResourceNotFoundException' });
    expect((error as Error).cause).toBeUndefined();
    expect(JSON.stringify(error) + (error as Error).message).not.toMatch(/model-name-that-must-not-leak|no-such-table/);
  });
});
