import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localDynamoClient, startEmbeddedStores, type EmbeddedStores } from '../../../local/embedded-stores';
import { sessionRecord, transcriptOf } from './fixtures';
import { dynamoContractEnvironment, sessionStoreContract } from './session-store-contract';

describe('embedded stores (dynalite + s3rver, the local runtime)', () => {
  let stores: EmbeddedStores;
  let client: DynamoDBClient;

  beforeAll(async () => {
    stores = await startEmbeddedStores({ ttlDays: 30 });
    client = localDynamoClient(stores.dynamoEndpoint);
  });

  afterAll(async () => {
    client?.destroy();
    await stores?.close();
  });

  describe('session store on dynalite', () => {
    sessionStoreContract(() => dynamoContractEnvironment(client, stores.tableName));
  });

  it('records a session and its transcript through the same store classes as Lambda', async () => {
    const record = sessionRecord();
    const stored = await stores.transcripts.put(transcriptOf(record, { messages: [{ role: 'user', content: 'hello' }] }));

    await stores.sessions.create({ ...record, transcriptKey: stored.key, transcriptSha256: stored.sha256 });

    const read = await stores.transcripts.get((await stores.sessions.get(record.id))!.transcriptKey!);
    expect(read?.sha256).toBe(stored.sha256);
    expect(read?.transcript.request).toEqual({ messages: [{ role: 'user', content: 'hello' }] });
  });

  it('keeps sessions and transcripts across restarts when given a data directory', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'airlock-embedded-'));
    try {
      const record = sessionRecord();
      const first = await startEmbeddedStores({ dataDir });
      const stored = await first.transcripts.put(transcriptOf(record, { prompt: 'kept' }));
      await first.sessions.create(record);
      await first.close();

      const second = await startEmbeddedStores({ dataDir });
      const session = await second.sessions.get(record.id);
      const transcript = await second.transcripts.get(stored.key);
      await second.close();

      expect(session).toEqual(record);
      expect(transcript?.sha256).toBe(stored.sha256);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
