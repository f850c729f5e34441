import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DatabaseSync } from 'node:sqlite';
import { createApprovalTable } from '../../../lambdas/store/approval-table';
import { DynamoApprovalStore } from '../../../lambdas/store/approval-store';
import { DynamoToolPinStore } from '../../../lambdas/store/dynamo-tool-pin-store';
import { StoreError } from '../../../lambdas/store/store-error';
import type { ToolPinStore, UpstreamToolSet } from '../../../lambdas/store/tool-pin-types';
import { openLocalDatabase } from '../../../local/store/sqlite-database';
import { SqliteToolPinStore } from '../../../local/store/sqlite-tool-pin-store';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../support/dynamodb-local';

const fp = (c: string) => c.repeat(64);
let counter = 0;

function toolSet(overrides: Partial<UpstreamToolSet> = {}): UpstreamToolSet {
  counter++;
  return {
    upstream: `up-${counter}`,
    version: 1,
    baselineAt: '2026-12-01T10:00:00.000Z',
    updatedAt: '2026-12-01T10:00:00.000Z',
    tools: {
      run_sql: { accepted: { fingerprint: fp('a'), by: 'baseline', at: '2026-12-01T10:00:00.000Z', definition: '{"name":"run_sql"}' } },
      notes: {
        quarantined: {
          fingerprint: fp('b'),
          change: 'added',
          since: '2026-12-01T10:00:00.000Z',
          reasons: [{ id: 'tool_poisoning.hidden_markup', points: 60, message: 'description holds hidden instruction markup' }],
          definition: '{"name":"notes"}',
        },
      },
    },
    ...overrides,
  };
}

/** What every engine behind ToolPinStore must do: the gateway relies on exactly this. */
function toolPinStoreContract(store: () => ToolPinStore): void {
  it('returns nothing for an upstream never seen', async () => {
    expect(await store().get('never-seen')).toBeUndefined();
  });

  it('stores the first tool set and reads it back as written', async () => {
    const set = toolSet();

    expect(await store().put(set)).toBe(true);

    expect(await store().get(set.upstream)).toEqual(set);
  });

  it('lets only one writer record the baseline', async () => {
    const set = toolSet();

    const results = await Promise.all([store().put(set), store().put({ ...set, tools: {} })]);

    expect(results.sort()).toEqual([false, true]);
  });

  it('applies a change only over the version it was read at (first writer wins)', async () => {
    const set = toolSet();
    await store().put(set);
    const accepted = { ...set, version: 2, tools: { ...set.tools, notes: { accepted: { fingerprint: fp('b'), by: 'approved' as const, at: '2026-12-01T11:00:00.000Z', approvalId: 'approval-0001', definition: '{}' } } } };

    expect(await store().put(accepted)).toBe(true);
    expect(await store().put({ ...set, version: 2 })).toBe(false);
    expect(await store().put({ ...set, version: 4 })).toBe(false);

    expect(await store().get(set.upstream)).toEqual(accepted);
  });

  it('refuses a record outside the allow-list, naming the field', async () => {
    const bad = toolSet({ tools: { x: { accepted: { fingerprint: 'not-a-sha', by: 'baseline', at: '2026-12-01T10:00:00.000Z', definition: '' } } } });

    const err = await store().put(bad).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('invalid');
    expect((err as StoreError).fields).toEqual(['tools.x.accepted.fingerprint']);
  });

  it('keeps no field the schema does not name', async () => {
    const set = { ...toolSet(), prompt: 'canary' } as unknown as UpstreamToolSet;

    await store().put(set);

    expect(JSON.stringify(await store().get(set.upstream))).not.toContain('canary');
  });
}

describe('tool pin store on SQLite (the local runtime)', () => {
  let db: DatabaseSync;
  beforeAll(() => {
    db = openLocalDatabase({ path: ':memory:' });
  });
  afterAll(() => db.close());

  toolPinStoreContract(() => new SqliteToolPinStore({ db }));

  it('answers a set read again from what it parsed (frozen), and a changed set as changed', async () => {
    const store = new SqliteToolPinStore({ db });
    const set = toolSet();
    await store.put(set);

    const first = await store.get(set.upstream);
    expect(await store.get(set.upstream)).toBe(first);
    expect(Object.isFrozen(first!.tools.run_sql)).toBe(true);

    // Written by another instance on the same database: the read follows the stored text.
    await new SqliteToolPinStore({ db }).put({ ...set, version: 2, updatedAt: '2026-12-01T12:00:00.000Z' });
    expect(await store.get(set.upstream)).toMatchObject({ version: 2, updatedAt: '2026-12-01T12:00:00.000Z' });
  });
});

describe('tool pin store on DynamoDB (the approval table, DynamoDB Local)', () => {
  let dynamo: DynamoDbLocal;
  let client: DynamoDBClient;
  const tableName = 'airlock-approvals';

  beforeAll(async () => {
    dynamo = await startDynamoDbLocal();
    client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    await createApprovalTable(client, tableName);
  }, 60_000);
  afterAll(async () => {
    client?.destroy();
    await dynamo?.stop();
  });

  toolPinStoreContract(() => new DynamoToolPinStore({ tableName, client }));

  it('keeps tool sets under their own key prefix, never readable as an approval', async () => {
    const set = toolSet();
    await new DynamoToolPinStore({ tableName, client }).put(set);

    const raw = await client.send(new GetItemCommand({ TableName: tableName, Key: { id: { S: `mcp-tools#${set.upstream}` } } }));

    expect(raw.Item?.upstream?.S).toBe(set.upstream);
    expect(await new DynamoApprovalStore({ tableName, client }).get(`mcp-tools#${set.upstream}`)).toBeUndefined();
  });
});
