import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoSessionStore } from '../../../lambdas/store/dynamo-session-store';
import { shardKeyOf } from '../../../lambdas/store/index-shards';
import { INDEX_WRITE_SHARDS } from '../../../lambdas/store/schema';
import { dayOf, toSessionItem } from '../../../lambdas/store/session-item';
import { DynamoSessionQueries } from '../../../lambdas/store/session-queries';
import { backfillIndexShards } from '../../../lambdas/store/shard-migration';
import { createSessionTable } from '../../../lambdas/store/table-definition';
import type { SessionFilter, SessionRecord } from '../../../lambdas/store/types';
import { localDynamoClient } from '../../../local/embedded-stores';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../support/dynamodb-local';
import { sessionRecord } from './fixtures';

const TABLE = 'sessions-shards-test';
const TTL_DAYS = 3650;
const DAY = '2026-05-10';
const at = (i: number) => new Date(Date.parse(`${DAY}T00:00:00.000Z`) + i * 7_000).toISOString();

describe('sharded status and day indexes (DynamoDB Local)', () => {
  let dynamo: DynamoDbLocal;
  let client: DynamoDBClient;
  let documents: DynamoDBDocumentClient;
  const commands: string[] = [];

  beforeAll(async () => {
    dynamo = await startDynamoDbLocal();
    client = localDynamoClient(dynamo.endpoint);
    client.middlewareStack.add(
      (next, context) => async (args) => {
        commands.push(context.commandName ?? '?');
        return next(args);
      },
      { step: 'initialize', name: 'recordCommands' },
    );
    documents = DynamoDBDocumentClient.from(client);
    await createSessionTable(client, TABLE);
  }, 30_000);

  afterAll(async () => {
    client?.destroy();
    await dynamo?.stop();
  });

  const store = () => new DynamoSessionStore({ tableName: TABLE, client, ttlDays: TTL_DAYS });
  const queries = (maxRoundsPerPage?: number) =>
    new DynamoSessionQueries({ tableName: TABLE, client, clock: () => new Date(`${DAY}T23:59:59.999Z`), ...(maxRoundsPerPage ? { maxRoundsPerPage } : {}) });
  const raw = async (id: string) => (await documents.send(new GetCommand({ TableName: TABLE, Key: { id }, ConsistentRead: true }))).Item!;

  async function listAll(filter: SessionFilter, limit: number, search = queries()): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 1000; pages++) {
      const page = await search.listSessions(filter, { limit, cursor });
      ids.push(...page.items.map((s) => s.id));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    return ids;
  }

  const newestFirst = (records: SessionRecord[]) => [...records].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id)).map((r) => r.id);

  /** An item as the store wrote it before sharding: the bare day, no statusShard. */
  async function putUnsharded(record: SessionRecord): Promise<void> {
    const { statusShard: _shard, ...item } = toSessionItem(record, TTL_DAYS);
    await documents.send(new PutCommand({ TableName: TABLE, Item: { ...item, day: dayOf(record.createdAt) } }));
  }

  const sharded: SessionRecord[] = Array.from({ length: 400 }, (_, i) => sessionRecord({ createdAt: at(i), status: i % 4 === 0 ? 'pending' : 'completed' }));
  const unsharded: SessionRecord[] = Array.from({ length: 30 }, (_, i) => sessionRecord({ createdAt: at(400 + i * 3), status: 'pending' }));

  it('spreads one day and one status over every write shard, keyed by the session id', async () => {
    await Promise.all(sharded.map((r) => store().create(r)));

    const items = await Promise.all(sharded.map((r) => raw(r.id)));
    const perDayShard = new Map<string, number>();
    for (const item of items) perDayShard.set(String(item.day), (perDayShard.get(String(item.day)) ?? 0) + 1);

    expect(items.map((i) => i.day)).toEqual(sharded.map((r) => shardKeyOf(DAY, r.id)));
    expect(items.map((i) => i.statusShard)).toEqual(sharded.map((r) => shardKeyOf(r.status, r.id)));
    expect(perDayShard.size).toBe(INDEX_WRITE_SHARDS);
    expect(Math.max(...perDayShard.values())).toBeLessThan((3 * sharded.length) / INDEX_WRITE_SHARDS);
  });

  it('merges the shards back into one newest-first search, each session once, with Query only', async () => {
    commands.length = 0;

    const day = await listAll({ from: `${DAY}T00:00:00.000Z`, to: `${DAY}T23:59:59.999Z` }, 37, queries(1));
    const pending = await listAll({ status: 'pending' }, 9);

    expect(day).toEqual(newestFirst(sharded));
    expect(pending).toEqual(newestFirst(sharded.filter((r) => r.status === 'pending')));
    expect(new Set(commands)).toEqual(new Set(['QueryCommand']));
  });

  it('moves a session to its new status shard when the status changes', async () => {
    const record = sharded[1]!;

    await store().update(record.id, { status: 'failed' });

    expect((await raw(record.id)).statusShard).toBe(shardKeyOf('failed', record.id));
    expect(await listAll({ status: 'failed' }, 10)).toEqual([record.id]);
    await store().update(record.id, { status: 'completed' });
  });

  it('still finds sessions written before sharding by day, and by status once migrated', async () => {
    await Promise.all(unsharded.map(putUnsharded));
    const wantPending = newestFirst([...sharded.filter((r) => r.status === 'pending'), ...unsharded]);

    const byDayBefore = await listAll({}, 50);
    const byStatusBefore = await listAll({ status: 'pending' }, 50);
    const migration = await backfillIndexShards({ tableName: TABLE, client, segments: 3 });
    const byStatusAfter = await listAll({ status: 'pending' }, 50);
    const again = await backfillIndexShards({ tableName: TABLE, client });

    expect(byDayBefore).toEqual(newestFirst([...sharded, ...unsharded]));
    expect(byStatusBefore).toEqual(newestFirst(sharded.filter((r) => r.status === 'pending')));
    expect(migration.updated).toBe(unsharded.length);
    expect(byStatusAfter).toEqual(wantPending);
    expect((await raw(unsharded[0]!.id)).day).toBe(shardKeyOf(DAY, unsharded[0]!.id));
    expect(again.updated).toBe(0);
    expect(await store().get(unsharded[0]!.id)).toEqual(unsharded[0]);
  });
});
