import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AirlockError } from '../../../lambdas/shared/errors';
import { toSessionItem } from '../../../lambdas/store/session-item';
import { DynamoSessionQueries, type DynamoSessionQueriesOptions } from '../../../lambdas/store/session-queries';
import { createSessionTable } from '../../../lambdas/store/table-definition';
import type { Decision } from '../../../lambdas/inspect/types';
import type { SessionFilter, SessionRecord, SessionStatus } from '../../../lambdas/store/types';
import { localDynamoClient } from '../../../local/embedded-stores';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../support/dynamodb-local';

const TABLE = 'sessions-queries-test';
const SESSIONS = 3000;
const START = Date.parse('2026-06-01T00:00:00.000Z');
const DAYS = 12;
// The sessions are back-dated: a short TTL would let DynamoDB Local's TTL sweeper delete them mid-test.
const TTL_DAYS = 3650;
const END = START + DAYS * 86_400_000 - 1;
const COGNITO = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_test';
const OKTA = 'https://example.okta.com';

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be reproduced. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function generateSessions(count: number): SessionRecord[] {
  const next = random(20260601);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!;
  const step = Math.floor((END - START) / count);
  const statusFor: Record<Decision, readonly SessionStatus[]> = {
    allow: ['completed', 'completed', 'failed', 'in_progress'],
    review: ['pending', 'approved', 'denied', 'expired'],
    block: ['blocked'],
  };
  return Array.from({ length: count }, (_, i) => {
    const createdAt = new Date(START + i * step + Math.floor(next() * step)).toISOString();
    const sub = pick(['alice', 'bob', 'carol', 'ci-deploy', 'dave']);
    const issuer = sub === 'alice' ? pick([COGNITO, OKTA]) : COGNITO;
    const groups = ['llm-users', 'approvers', 'auditors', 'data-science'].filter(() => next() < 0.4);
    const clientId = sub === 'ci-deploy' ? 'ci-pipeline' : next() < 0.2 ? 'web-console' : undefined;
    const decision = pick(['allow', 'allow', 'allow', 'review', 'block'] as const);
    const id = `s${String(i).padStart(5, '0')}`;
    return {
      id,
      createdAt,
      updatedAt: createdAt,
      principal: { issuer, sub, groups, ...(clientId ? { clientId } : {}) },
      route: 'POST /v1/chat/completions',
      model: pick(['gpt-4o', 'gpt-4o-mini', 'claude-sonnet']),
      stream: next() < 0.5,
      decision,
      status: pick(statusFor[decision]),
      risk: { score: Math.floor(next() * 101), reasons: [] },
      findingCounts: {},
    };
  });
}

/** What a search must return, computed independently of the store: matching sessions, newest first. */
function expected(all: SessionRecord[], filter: SessionFilter): string[] {
  return all
    .filter(
      (s) =>
        (filter.principal === undefined || s.principal.sub === filter.principal) &&
        (filter.issuer === undefined || s.principal.issuer === filter.issuer) &&
        (filter.group === undefined || s.principal.groups.includes(filter.group)) &&
        (filter.client === undefined || s.principal.clientId === filter.client) &&
        (filter.model === undefined || s.model === filter.model) &&
        (filter.decision === undefined || s.decision === filter.decision) &&
        (filter.status === undefined || s.status === filter.status) &&
        (filter.minRisk === undefined || (s.risk?.score ?? -1) >= filter.minRisk) &&
        (filter.from === undefined || s.createdAt >= filter.from) &&
        (filter.to === undefined || s.createdAt <= filter.to),
    )
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .map((s) => s.id);
}

interface IssuedCommand {
  command: string;
  index?: string;
}

describe('session search (DynamoDB Local, indexes only)', () => {
  let dynamo: DynamoDbLocal;
  let client: DynamoDBClient;
  let sessions: SessionRecord[];
  const issued: IssuedCommand[] = [];
  const iso = (ms: number) => new Date(ms).toISOString();

  const queries = (options: Partial<DynamoSessionQueriesOptions> = {}) =>
    new DynamoSessionQueries({ tableName: TABLE, client, clock: () => new Date(END), ...options });

  async function listAll(filter: SessionFilter, limit: number, search = queries()) {
    const ids: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await search.listSessions(filter, { limit, cursor });
      expect(page.items.length).toBeLessThanOrEqual(limit);
      ids.push(...page.items.map((s) => s.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 1000);
    return { ids, pages };
  }

  beforeAll(async () => {
    dynamo = await startDynamoDbLocal();
    client = localDynamoClient(dynamo.endpoint);
    client.middlewareStack.add(
      (next, context) => async (args) => {
        issued.push({ command: context.commandName ?? '?', index: (args.input as { IndexName?: string }).IndexName });
        return next(args);
      },
      { step: 'initialize', name: 'recordCommands' },
    );
    await createSessionTable(client, TABLE);

    sessions = generateSessions(SESSIONS);
    const documents = DynamoDBDocumentClient.from(client);
    const batches: SessionRecord[][] = [];
    for (let i = 0; i < sessions.length; i += 25) batches.push(sessions.slice(i, i + 25));
    const write = async () => {
      for (let batch = batches.shift(); batch; batch = batches.shift()) {
        const items = batch.map((s) => ({ PutRequest: { Item: toSessionItem(s, TTL_DAYS) } }));
        const result = await documents.send(new BatchWriteCommand({ RequestItems: { [TABLE]: items } }));
        expect(result.UnprocessedItems?.[TABLE] ?? []).toHaveLength(0);
      }
    };
    await Promise.all(Array.from({ length: 4 }, write));
  }, 60_000);

  afterAll(async () => {
    client?.destroy();
    await dynamo?.stop();
  });

  beforeEach(() => {
    issued.length = 0;
  });

  it('visits every session of a time range exactly once, newest first, across pages', async () => {
    const filter = { from: iso(START), to: iso(END) };

    const { ids, pages } = await listAll(filter, 137, queries({ maxRoundsPerPage: 2 }));

    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expected(sessions, filter));
    expect(ids).toHaveLength(SESSIONS);
    expect(pages).toBeGreaterThan(SESSIONS / 137);
    expect(issued.every((c) => c.command === 'QueryCommand' && c.index === 'byDay')).toBe(true);
  });

  it.each<[string, string, SessionFilter]>([
    ['principal', 'byPrincipal', { principal: 'carol' }],
    ['principal at one issuer', 'byPrincipal', { principal: 'alice', issuer: OKTA }],
    ['principal and time range', 'byPrincipal', { principal: 'bob', from: iso(START + 3 * 86_400_000 + 1234), to: iso(START + 5 * 86_400_000) }],
    ['status (the pending queue)', 'byStatusShard', { status: 'pending' }],
    ['status and time range', 'byStatusShard', { status: 'blocked', from: iso(START + 86_400_000), to: iso(START + 2 * 86_400_000 + 999) }],
    ['group', 'byDay', { group: 'data-science', from: iso(START), to: iso(END) }],
    ['client', 'byDay', { client: 'ci-pipeline', from: iso(START), to: iso(END) }],
    ['model', 'byDay', { model: 'claude-sonnet', from: iso(START), to: iso(END) }],
    ['decision', 'byDay', { decision: 'review', from: iso(START), to: iso(END) }],
    ['minimum risk', 'byDay', { minRisk: 90, from: iso(START), to: iso(END) }],
    ['time range inside one day', 'byDay', { from: iso(START + 7 * 86_400_000 + 3_600_000), to: iso(START + 7 * 86_400_000 + 7_200_000) }],
    ['principal, model and minimum risk', 'byPrincipal', { principal: 'dave', model: 'gpt-4o', minRisk: 50 }],
    ['principal and status', 'byPrincipal', { principal: 'ci-deploy', status: 'completed' }],
  ])('filters by %s through the %s index, without scanning', async (_name, index, filter) => {
    const want = expected(sessions, filter);

    const { ids } = await listAll(filter, 100);

    expect(want.length).toBeGreaterThan(0);
    expect(ids).toEqual(want);
    expect(issued.length).toBeGreaterThan(0);
    expect(issued.filter((c) => c.command !== 'QueryCommand' || c.index !== index)).toEqual([]);
  });

  it('returns the newest sessions first on the first page, with a cursor for the rest', async () => {
    const page = await queries().listSessions({}, { limit: 10 });

    expect(page.items.map((s) => s.id)).toEqual(expected(sessions, {}).slice(0, 10));
    expect(page.nextCursor).toEqual(expect.any(String));
    expect(page.items[0]).toEqual(sessions.find((s) => s.id === page.items[0]!.id));
  });

  it('looks back the default number of days from now when no range is given', async () => {
    const { ids } = await listAll({ model: 'gpt-4o' }, 250, queries({ defaultLookbackDays: 3 }));

    expect(ids).toEqual(expected(sessions, { model: 'gpt-4o', from: iso(END - 3 * 86_400_000), to: iso(END) }));
  });

  it('keeps paging over a stretch of empty days instead of stalling one request', async () => {
    const filter = { from: iso(END - 86_400_000), to: '2026-08-31T23:59:59.999Z' };
    const search = queries({ maxRoundsPerPage: 5 });

    const first = await search.listSessions(filter, { limit: 10 });
    const { ids } = await listAll(filter, 500, search);

    expect(first.items).toEqual([]);
    expect(first.nextCursor).toEqual(expect.any(String));
    expect(ids).toEqual(expected(sessions, filter));
  });

  it('refuses a cursor from another search, or one that was tampered with', async () => {
    const { nextCursor } = await queries().listSessions({ principal: 'alice' }, { limit: 5 });
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(nextCursor!, 'base64url').toString()), p: 'bob' })).toString('base64url');

    const otherSearch = queries().listSessions({ principal: 'bob' }, { limit: 5, cursor: nextCursor });
    const tampered = queries().listSessions({ principal: 'alice' }, { limit: 5, cursor: forged });
    const garbage = queries().listSessions({ principal: 'alice' }, { limit: 5, cursor: 'not-a-cursor' });

    for (const attempt of [otherSearch, tampered, garbage]) {
      await expect(attempt).rejects.toBeInstanceOf(AirlockError);
      await expect(attempt).rejects.toMatchObject({ status: 400, code: 'invalid_request', param: 'cursor' });
    }
  });

  it.each([[0], [1001], [2.5]])('refuses a limit of %p', async (limit) => {
    await expect(queries().listSessions({}, { limit })).rejects.toMatchObject({ status: 400, param: 'limit' });
  });

  it('refuses a range that ends before it starts', async () => {
    await expect(queries().listSessions({ from: iso(END), to: iso(START) })).rejects.toMatchObject({ status: 400, param: 'from' });
  });
});
