import { DescribeTimeToLiveCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoSessionStore } from '../../../lambdas/store/dynamo-session-store';
import { S3TranscriptStore } from '../../../lambdas/store/s3-transcript-store';
import { createSessionTable } from '../../../lambdas/store/table-definition';
import { localDynamoClient, localS3Client } from '../../../local/embedded-stores';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../support/dynamodb-local';
import { startS3Server, type S3Server } from '../../support/s3-server';
import { sessionRecord, transcriptOf } from './fixtures';
import { dynamoContractEnvironment, sessionStoreContract } from './session-store-contract';

const TABLE = 'sessions-store-test';

describe('DynamoDB session store (DynamoDB Local)', () => {
  let dynamo: DynamoDbLocal;
  let s3: S3Server;
  let client: DynamoDBClient;
  let s3Client: S3Client;

  beforeAll(async () => {
    [dynamo, s3] = await Promise.all([startDynamoDbLocal(), startS3Server()]);
    client = localDynamoClient(dynamo.endpoint);
    s3Client = localS3Client(s3.endpoint);
    await createSessionTable(client, TABLE);
  }, 30_000);

  afterAll(async () => {
    client?.destroy();
    s3Client?.destroy();
    await Promise.all([dynamo?.stop(), s3?.stop()]);
  });

  sessionStoreContract(() => dynamoContractEnvironment(client, TABLE));

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

  it('keeps conversation content in the S3 transcript only, never in the table item', async () => {
    const canary = `canary-${Math.random().toString(36).slice(2)}`;
    const sessions = new DynamoSessionStore({ tableName: TABLE, client, ttlDays: 30 });
    const transcripts = new S3TranscriptStore({ bucket: s3.bucket, client: s3Client });
    const record = sessionRecord({ status: 'in_progress' });

    await sessions.create(record);
    const transcript = {
      ...transcriptOf(record, { messages: [{ role: 'user', content: `say ${canary}` }] }, { content: canary }),
      events: [{ t: 3, data: JSON.stringify({ delta: canary }) }],
    };
    const stored = await transcripts.put(transcript);
    await sessions.update(record.id, { status: 'completed', transcriptKey: stored.key, transcriptSha256: stored.sha256 }, ['in_progress']);

    const { Item } = await DynamoDBDocumentClient.from(client).send(new GetCommand({ TableName: TABLE, Key: { id: record.id } }));
    const { Body } = await s3Client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: stored.key }));
    expect(Item).toMatchObject({ transcriptKey: stored.key, transcriptSha256: stored.sha256 });
    expect(JSON.stringify(Item)).not.toContain(canary);
    expect(await Body!.transformToString()).toContain(canary);
  });
});
