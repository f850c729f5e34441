import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoSessionStore } from '../../../lambdas/store/dynamo-session-store';
import { shardKeyOf } from '../../../lambdas/store/index-shards';
import { dayOf } from '../../../lambdas/store/session-item';
import { DynamoSessionQueries } from '../../../lambdas/store/session-queries';
import { StoreError } from '../../../lambdas/store/store-error';
import type { SessionQueries, SessionRecord, SessionStore } from '../../../lambdas/store/types';
import { sessionRecord } from './fixtures';

/** One engine behind the session interfaces, as the contract sees it. */
export interface ContractEnvironment {
  store(ttlDays: number): SessionStore;
  queries(): SessionQueries;
  /** The stored item with its index attributes and TTL, read past the store. */
  rawItem(id: string): Promise<Record<string, unknown> | undefined>;
  /** The engine's own partition keys of a record's status and day entries (DynamoDB shards them; one SQLite database needs none). */
  partitionsOf(record: Pick<SessionRecord, 'id' | 'status' | 'createdAt'>): Record<string, string>;
}

/** DynamoDB Local or dynalite, reached through the DynamoDB store classes. */
export function dynamoContractEnvironment(client: DynamoDBClient, tableName: string): ContractEnvironment {
  const documents = DynamoDBDocumentClient.from(client);
  return {
    store: (ttlDays) => new DynamoSessionStore({ tableName, client, ttlDays }),
    queries: () => new DynamoSessionQueries({ tableName, client }),
    rawItem: async (id) => (await documents.send(new GetCommand({ TableName: tableName, Key: { id }, ConsistentRead: true }))).Item,
    partitionsOf: (record) => ({ statusShard: shardKeyOf(record.status, record.id), day: shardKeyOf(dayOf(record.createdAt), record.id) }),
  };
}

// Long enough that DynamoDB Local's TTL sweeper never deletes the back-dated records these tests write.
const TTL_DAYS = 3650;

/**
 * The behaviour every engine behind the session store must show: DynamoDB Local here in tests,
 * dynalite (`--stores aws-compatible`) and the embedded SQLite store in the local runtime. Run by
 * each engine's test file so none can drift.
 */
export function sessionStoreContract(environment: () => ContractEnvironment): void {
  let store: SessionStore;
  let rawItem: (id: string) => Promise<Record<string, unknown> | undefined>;
  let partitionsOf: ContractEnvironment['partitionsOf'];

  beforeAll(() => {
    store = environment().store(TTL_DAYS);
    rawItem = (id) => environment().rawItem(id);
    partitionsOf = (record) => environment().partitionsOf(record);
  });

  it('reads back a created session as it was written', async () => {
    const record = sessionRecord({
      risk: { score: 42, reasons: [{ id: 'secret.aws_access_key_id', points: 40, message: 'An AWS access key was masked.' }] },
      findingCounts: { aws_access_key_id: 2 },
      usage: { promptTokens: 10 },
    });

    await store.create(record);

    expect(await store.get(record.id)).toEqual(record);
  });

  it('returns undefined for a session that does not exist', async () => {
    expect(await store.get(sessionRecord().id)).toBeUndefined();
  });

  it('refuses to create a session whose id exists', async () => {
    const record = sessionRecord();
    await store.create(record);

    const second = store.create({ ...record, model: 'other-model' });

    await expect(second).rejects.toMatchObject({ name: 'StoreError', code: 'conflict' });
    expect((await store.get(record.id))?.model).toBe(record.model);
  });

  it('keeps an in_progress record until the session is completed', async () => {
    const record = sessionRecord({ status: 'in_progress' });
    await store.create(record);
    const before = await store.get(record.id);

    const updated = await store.update(
      record.id,
      { status: 'completed', httpStatus: 200, usage: { totalTokens: 7 }, timings: { totalMs: 12 } },
      ['in_progress'],
    );

    expect(before).toMatchObject({ status: 'in_progress' });
    expect(before?.httpStatus).toBeUndefined();
    expect(updated).toBe(true);
    expect(await store.get(record.id)).toMatchObject({ status: 'completed', httpStatus: 200, usage: { totalTokens: 7 }, timings: { totalMs: 12 } });
  });

  it('sets updatedAt on update when the caller does not', async () => {
    const record = sessionRecord({ createdAt: '2020-01-01T00:00:00.000Z', updatedAt: '2020-01-01T00:00:00.000Z' });
    await store.create(record);

    await store.update(record.id, { httpStatus: 200 });

    const stored = await store.get(record.id);
    expect(Date.parse(stored!.updatedAt)).toBeGreaterThan(Date.parse(record.updatedAt));
  });

  it('does not write, and returns false, when the stored status is not an expected one', async () => {
    const record = sessionRecord({ status: 'pending', decision: 'review' });
    await store.create(record);

    const updated = await store.update(record.id, { status: 'completed', httpStatus: 200 }, ['in_progress', 'approved']);

    expect(updated).toBe(false);
    expect(await store.get(record.id)).toMatchObject({ status: 'pending' });
    expect((await store.get(record.id))?.httpStatus).toBeUndefined();
  });

  it('does not create a session by updating one that does not exist', async () => {
    const missing = sessionRecord();

    const updated = await store.update(missing.id, { status: 'completed' });

    expect(updated).toBe(false);
    expect(await rawItem(missing.id)).toBeUndefined();
  });

  it('writes the index attributes and the TTL next to the record', async () => {
    const record = sessionRecord({ createdAt: '2026-03-04T05:06:07.089Z', status: 'pending' });

    await store.create(record);
    await store.update(record.id, { status: 'approved' });

    const item = await rawItem(record.id);
    expect(item).toMatchObject({
      principalSub: record.principal.sub,
      status: 'approved',
      ...partitionsOf({ ...record, status: 'approved' }),
      createdAt: '2026-03-04T05:06:07.089Z',
      expiresAt: Math.floor(Date.parse('2026-03-04T05:06:07.089Z') / 1000) + TTL_DAYS * 86_400,
    });
  });

  it('stores nothing outside the record, even when the caller passes more', async () => {
    const canary = `canary-${Math.random().toString(36).slice(2)}`;
    const record = sessionRecord();
    const polluted = {
      ...record,
      prompt: canary,
      principal: { ...record.principal, claims: { note: canary } },
      usage: { totalTokens: 3, text: canary },
    } as unknown as SessionRecord;

    await store.create(polluted);

    const item = await rawItem(record.id);
    expect(JSON.stringify(item)).not.toContain(canary);
    expect(Object.keys(item!).sort()).toEqual(
      [...Object.keys(record), 'usage', 'principalSub', ...Object.keys(partitionsOf(record)), 'expiresAt'].filter((k, i, all) => all.indexOf(k) === i).sort(),
    );
    expect(await store.get(record.id)).toEqual({ ...record, usage: { totalTokens: 3 } });
  });

  it('rejects an invalid record naming the fields, not their values', async () => {
    const secretLooking = 'AKIA' + 'Q'.repeat(16);
    const record = { ...sessionRecord(), status: secretLooking } as unknown as SessionRecord;

    const error = await store.create(record).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code: 'invalid', fields: ['status'] });
    expect(String((error as Error).message)).not.toContain(secretLooking);
  });

  it('lists a principal\'s sessions newest first through the principal index', async () => {
    const sub = `lister-${Math.random().toString(36).slice(2)}`;
    const times = ['2026-05-01T10:00:00.000Z', '2026-05-03T10:00:00.000Z', '2026-05-02T10:00:00.000Z'];
    for (const createdAt of times) {
      await store.create(sessionRecord({ createdAt, principal: { issuer: 'https://issuer.test', sub, groups: [] } }));
    }

    const page = await environment().queries().listSessions({ principal: sub });

    expect(page.items.map((r) => r.createdAt)).toEqual([...times].sort().reverse());
    expect(page.nextCursor).toBeUndefined();
  });
}
