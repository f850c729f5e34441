import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Principal } from '../../../lambdas/auth/principal';
import { usageLimiter, type UsageLimiter } from '../../../lambdas/gateway/usage/usage-limits';
import type { LimitsPolicy } from '../../../lambdas/inspect/limits-policy';
import { AirlockError } from '../../../lambdas/shared/errors';
import type { AirlockLogger } from '../../../lambdas/shared/logger';
import { DynamoUsageCounters, type UsageCounters } from '../../../lambdas/store/usage-counters';
import { createUsageTable } from '../../../lambdas/store/usage-table';
import { localDynamoClient } from '../../../local/embedded-stores';
import { openLocalDatabase } from '../../../local/store/sqlite-database';
import { SqliteUsageCounters } from '../../../local/store/sqlite-usage-counters';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../support/dynamodb-local';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } as unknown as AirlockLogger;
const principal = (sub: string, groups: string[] = ['llm-users']): Principal => ({ issuer: 'https://issuer.test', sub, groups, claims: {} });
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
// A start a few seconds into the current UTC minute, moved by the tests. Near the real clock on
// purpose: DynamoDB Local deletes items whose TTL has passed, so a fixed date in the past would
// see its counters vanish once the real clock is a day past it.
const START = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS + 5_000;

/** What every counter engine must do: the same tests over DynamoDB Local and SQLite. */
function usageCountersContract(engine: () => UsageCounters) {
  let counters: UsageCounters;
  let now: number;
  let n = 0;
  const limiter = (policy: LimitsPolicy): UsageLimiter => usageLimiter(policy, counters, { now: () => now, monotonic: () => now }, silent);
  const refusal = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as AirlockError);

  beforeEach(() => {
    counters = engine();
    now = START;
    n++;
  });

  it('consumes up to the limit and refuses what would go over it', async () => {
    const key = `contract-${n}`;
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await counters.consume(key, 1, 3, 2_000_000_000));

    expect(results).toEqual([true, true, true, false]);
    expect(await counters.read(key)).toBe(3);
  });

  it('reads 0 for a counter that does not exist and adds (also negative amounts)', async () => {
    const key = `contract-add-${n}`;

    expect(await counters.read(key)).toBe(0);
    await counters.add(key, 120, 2_000_000_000);
    await counters.add(key, -20, 2_000_000_000);
    expect(await counters.read(key)).toBe(100);
    expect(await counters.consume(key, 5, 100, 2_000_000_000)).toBe(false);
  });

  it('lets exactly k of N concurrent requests through, then refills in the next window', async () => {
    const limits = limiter({ groups: { burst: { requests_per_minute: 5 } } });
    const caller = principal(`burst-${n}`, ['llm-users', 'burst']);
    const burst = () => Promise.all(Array.from({ length: 12 }, () => refusal(limits.admit(caller))));

    const first = await burst();
    now += 60_000;
    const second = await burst();

    for (const round of [first, second]) {
      expect(round.filter((r) => r === undefined)).toHaveLength(5);
      const refused = round.filter((r): r is AirlockError => r !== undefined);
      expect(refused).toHaveLength(7);
      for (const r of refused) {
        expect(r.code).toBe('rate_limited');
        expect(r.status).toBe(429);
        expect(r.headers['retry-after']).toBe('55');
      }
    }
  });

  it('counts a principal alone and a group together, and gives back a slot a refused request took', async () => {
    const limits = limiter({ principal: { requests_per_minute: 2 }, groups: [`team-${n}`].reduce((g, name) => ({ ...g, [name]: { requests_per_minute: 3 } }), {}) });
    const [ann, ben] = [principal(`ann-${n}`, ['llm-users', `team-${n}`]), principal(`ben-${n}`, ['llm-users', `team-${n}`])];

    const annTwice = [await refusal(limits.admit(ann)), await refusal(limits.admit(ann)), await refusal(limits.admit(ann))];
    const benTwice = [await refusal(limits.admit(ben)), await refusal(limits.admit(ben))];

    expect(annTwice.map((r) => r?.message.includes('for you') ?? 'ok')).toEqual(['ok', 'ok', true]);
    // The team allows 3: ann took 2, ben gets the third; ben's refused second call gives its own slot back.
    expect(benTwice.map((r) => r?.message.includes(`the group team-${n}`) ?? 'ok')).toEqual(['ok', true]);
    now += 60_000;
    expect(await refusal(limits.admit(ben))).toBeUndefined();
    expect(await refusal(limits.admit(ben))).toBeUndefined();
  });

  it('refuses once the day budget is spent, until the next UTC day', async () => {
    const limits = limiter({ principal: { tokens_per_day: 1000 }, groups: {} });
    const caller = principal(`spender-${n}`);

    await limits.admit(caller);
    await Promise.all(Array.from({ length: 4 }, () => limits.spend(caller, 250)));
    const refused = await refusal(limits.admit(caller));
    const nextDayStart = Math.floor(START / DAY_MS) * DAY_MS + DAY_MS;
    now = nextDayStart + 1_000;
    const nextDay = await refusal(limits.admit(caller));

    expect(refused?.code).toBe('rate_limited');
    expect(refused?.message).toContain('1000 tokens per day');
    expect(Number(refused?.headers['retry-after'])).toBe((nextDayStart - START) / 1000);
    expect(nextDay).toBeUndefined();
  });
}

describe('usage counters on DynamoDB (DynamoDB Local)', () => {
  let dynamo: DynamoDbLocal;
  let client: DynamoDBClient;
  const TABLE = 'usage-counters-test';

  beforeAll(async () => {
    dynamo = await startDynamoDbLocal();
    client = localDynamoClient(dynamo.endpoint);
    await createUsageTable(client, TABLE);
  }, 30_000);

  afterAll(async () => {
    client?.destroy();
    await dynamo?.stop();
  });

  usageCountersContract(() => new DynamoUsageCounters({ tableName: TABLE, client }));

  it('fails closed when the table cannot be reached', async () => {
    const limits = usageLimiter({ principal: { requests_per_minute: 5 }, groups: {} }, new DynamoUsageCounters({ tableName: 'no-such-table', client }), { now: () => START, monotonic: () => 0 }, silent);

    const refused = await limits.admit(principal('nobody')).then(() => undefined, (e: unknown) => e as AirlockError);

    expect(refused).toBeInstanceOf(AirlockError);
    expect(refused?.code).toBe('limits_unavailable');
  });
});

describe('usage counters on the embedded SQLite engine', () => {
  const db = openLocalDatabase({ path: ':memory:' });
  afterAll(() => db.close());

  usageCountersContract(() => new SqliteUsageCounters(db));
});
