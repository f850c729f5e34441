import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Decision } from '../../../lambdas/inspect/types';
import { createSessionTable } from '../../../lambdas/store/table-definition';
import type { SessionRecord, SessionStatus } from '../../../lambdas/store/types';
import { localDynamoClient } from '../../../local/embedded-stores';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../support/dynamodb-local';
import { auditClient, auditDeps, auditor, ISSUER, listAll, OTHER_ISSUER, principal, recordCommands, seedSessions, type AuditCall } from './audit-harness';

const TABLE = 'audit-search-test';
const SESSIONS = 2400;
const DAY_MS = 86_400_000;
/** Ten days ending an hour ago: inside the default look-back of a search without `from`. */
const END = Date.now() - 3_600_000;
const START = END - 10 * DAY_MS;

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be reproduced. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function generateSessions(): SessionRecord[] {
  const next = random(5);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!;
  const step = Math.floor((END - START) / SESSIONS);
  const statuses: Record<Decision, readonly SessionStatus[]> = {
    allow: ['completed', 'completed', 'failed'],
    review: ['pending', 'approved', 'denied', 'expired'],
    block: ['blocked'],
  };
  return Array.from({ length: SESSIONS }, (_, i) => {
    const createdAt = new Date(START + i * step + Math.floor(next() * (step - 1))).toISOString();
    const sub = pick(['alice', 'bob', 'carol', 'ci-deploy']);
    const issuer = sub === 'alice' && next() < 0.3 ? OTHER_ISSUER : ISSUER;
    const decision = pick(['allow', 'allow', 'review', 'block'] as const);
    const clientId = sub === 'ci-deploy' ? 'ci-pipeline' : next() < 0.2 ? 'web-console' : undefined;
    return {
      id: `a${String(i).padStart(5, '0')}`,
      createdAt,
      updatedAt: createdAt,
      principal: { issuer, sub, groups: ['llm-users', ...(next() < 0.3 ? ['data-science'] : [])], ...(clientId ? { clientId } : {}) },
      route: 'POST /v1/chat/completions',
      model: pick(['gpt-4o', 'gpt-4o-mini', 'claude-sonnet']),
      stream: next() < 0.5,
      decision,
      status: pick(statuses[decision]),
      risk: { score: Math.floor(next() * 101), reasons: [] },
      findingCounts: {},
    };
  });
}

/** The expected answer, computed without the store: matching sessions, newest first. */
function expectedIds(all: SessionRecord[], match: (s: SessionRecord) => boolean): string[] {
  return all
    .filter(match)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .map((s) => s.id);
}

describe('session search (GET /v1/airlock/sessions) over DynamoDB Local', () => {
  let dynamo: DynamoDbLocal;
  let client: DynamoDBClient;
  let call: AuditCall;
  let sent: string[];
  const sessions = generateSessions();
  const at = (ms: number) => new Date(ms).toISOString();

  beforeAll(async () => {
    dynamo = await startDynamoDbLocal();
    const seeding = localDynamoClient(dynamo.endpoint);
    await createSessionTable(seeding, TABLE);
    await seedSessions(seeding, TABLE, sessions);
    seeding.destroy();
    client = localDynamoClient(dynamo.endpoint);
    sent = recordCommands(client);
    call = auditClient(auditDeps({ tableName: TABLE, bucket: 'unused', dynamo: client, s3: {} as S3Client }));
  }, 60_000);

  afterAll(async () => {
    client?.destroy();
    await dynamo?.stop();
  });

  const cases: [string, Record<string, string>, (s: SessionRecord) => boolean][] = [
    ['nothing (the default look-back window)', {}, () => true],
    ['principal', { principal: 'bob' }, (s) => s.principal.sub === 'bob'],
    ['principal and issuer', { principal: 'alice', issuer: OTHER_ISSUER }, (s) => s.principal.sub === 'alice' && s.principal.issuer === OTHER_ISSUER],
    ['group', { group: 'data-science' }, (s) => s.principal.groups.includes('data-science')],
    ['client', { client: 'web-console' }, (s) => s.principal.clientId === 'web-console'],
    ['model', { model: 'claude-sonnet' }, (s) => s.model === 'claude-sonnet'],
    ['decision', { decision: 'block' }, (s) => s.decision === 'block'],
    ['status', { status: 'pending' }, (s) => s.status === 'pending'],
    ['min_risk', { min_risk: '90' }, (s) => s.risk!.score >= 90],
    [
      'from and to',
      { from: at(START + 2 * DAY_MS + 1234), to: at(START + 5 * DAY_MS + 777) },
      (s) => s.createdAt >= at(START + 2 * DAY_MS + 1234) && s.createdAt <= at(START + 5 * DAY_MS + 777),
    ],
    [
      'several at once',
      { principal: 'carol', model: 'gpt-4o', min_risk: '40', to: at(START + 8 * DAY_MS) },
      (s) => s.principal.sub === 'carol' && s.model === 'gpt-4o' && s.risk!.score >= 40 && s.createdAt <= at(START + 8 * DAY_MS),
    ],
  ];

  it.each(cases)('filters by %s: newest first, every match exactly once across pages, by index queries only', async (_name, query, match) => {
    const expected = expectedIds(sessions, match);
    sent.length = 0;

    const { ids, pages } = await listAll(call, auditor, { ...query, limit: '100' });

    expect(expected.length).toBeGreaterThan(0);
    expect(ids).toEqual(expected);
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(expected.length / 100));
    // No Scan, ever: every command the SDK client sent was a Query on an index.
    expect(sent.length).toBeGreaterThanOrEqual(pages);
    expect(new Set(sent)).toEqual(new Set(['QueryCommand']));
  });

  it('returns at most `limit` sessions per page and an opaque cursor to the next', async () => {
    const first = await call('/v1/airlock/sessions', { principal: auditor, query: { principal: 'alice', limit: '7' } });
    const page = first.json<{ object: string; data: SessionRecord[]; next_cursor: string }>();
    const second = await call('/v1/airlock/sessions', { principal: auditor, query: { principal: 'alice', limit: '7', cursor: page.next_cursor } });

    expect(first.status).toBe(200);
    expect(page.object).toBe('list');
    expect(page.data).toHaveLength(7);
    expect(page.next_cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(second.json<{ data: SessionRecord[] }>().data.map((s) => s.id)).toEqual(expectedIds(sessions, (s) => s.principal.sub === 'alice').slice(7, 14));
  });

  it.each([
    [{ limit: '0' }, 'limit'],
    [{ limit: '101' }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ decision: 'maybe' }, 'decision'],
    [{ status: 'done' }, 'status'],
    [{ from: 'yesterday' }, 'from'],
    [{ to: '2026-13-45T99:00:00Z' }, 'to'],
    [{ min_risk: 'high' }, 'min_risk'],
    [{ min_risk: '101' }, 'min_risk'],
    [{ cursor: 'not-a-cursor' }, 'cursor'],
    [{ minrisk: '5' }, 'minrisk'],
    [{ from: at(END), to: at(START) }, 'from'],
  ])('refuses %j with 400 invalid_request naming %s', async (query, param) => {
    const reply = await call('/v1/airlock/sessions', { principal: auditor, query });

    expect(reply.status).toBe(400);
    expect(reply.json()).toMatchObject({ error: { code: 'invalid_request', type: 'invalid_request_error', param } });
  });

  it('refuses a cursor from a different search', async () => {
    const first = await call('/v1/airlock/sessions', { principal: auditor, query: { principal: 'alice', limit: '5' } });
    const cursor = first.json<{ next_cursor: string }>().next_cursor;

    const reply = await call('/v1/airlock/sessions', { principal: auditor, query: { principal: 'bob', limit: '5', cursor } });

    expect(reply.status).toBe(400);
    expect(reply.json()).toMatchObject({ error: { param: 'cursor' } });
  });

  it("pins a requester's search to their own sessions at their own issuer", async () => {
    const alice = principal('alice', ['llm-users'], OTHER_ISSUER);

    const { ids } = await listAll(call, alice, { limit: '100' });

    expect(ids).toEqual(expectedIds(sessions, (s) => s.principal.sub === 'alice' && s.principal.issuer === OTHER_ISSUER));
  });

  it("refuses a requester's search for another principal, and a caller outside the gateway's groups", async () => {
    const alice = principal('alice', ['llm-users']);

    const foreign = await call('/v1/airlock/sessions', { principal: alice, query: { principal: 'bob' } });
    const outsider = await call('/v1/airlock/sessions', { principal: principal('mallory', ['contractors']) });

    expect(foreign.status).toBe(403);
    expect(foreign.json()).toMatchObject({ error: { code: 'forbidden' } });
    expect(outsider.status).toBe(403);
    expect(outsider.json()).toMatchObject({ error: { code: 'forbidden' } });
  });
});
