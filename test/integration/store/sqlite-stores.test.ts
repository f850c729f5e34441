import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { ulid } from 'ulid';
import type { ApprovalRequest } from '../../../lambdas/store/approval-types';
import type { SessionFilter, SessionRecord } from '../../../lambdas/store/types';
import { openEmbeddedSqliteStores } from '../../../local/store/local-stores';
import { SqliteSessionQueries } from '../../../local/store/sqlite-session-queries';
import { sessionRecord, transcriptOf } from './fixtures';
import { sessionStoreContract } from './session-store-contract';

type Stores = Awaited<ReturnType<typeof openEmbeddedSqliteStores>>;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('embedded SQLite store (the local runtime default)', () => {
  let dataDir: string;
  let stores: Stores;
  let raw: DatabaseSync;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'airlock-sqlite-'));
    stores = await openEmbeddedSqliteStores({ dataDir, ttlDays: 3650 });
    raw = new DatabaseSync(join(dataDir, 'airlock.db'));
  });

  afterAll(async () => {
    raw?.close();
    await stores?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  describe('session store contract on SQLite', () => {
    sessionStoreContract(() => ({
      store: () => stores.sessions,
      queries: () => stores.queries,
      // Read past the store: the row as SQLite holds it, its record column and its index columns.
      rawItem: async (id) => {
        const row = raw.prepare('SELECT * FROM sessions WHERE id = ?').get(id) as Record<string, string | number> | undefined;
        if (!row) return undefined;
        return { ...JSON.parse(String(row.record)), principalSub: row.principal_sub, day: row.day, expiresAt: row.expires_at };
      },
      partitionsOf: (record) => ({ day: record.createdAt.slice(0, 10) }),
    }));
  });

  it('keeps nothing outside the record in any column of the row', async () => {
    const canary = `canary-${Math.random().toString(36).slice(2)}`;
    const record = sessionRecord();

    await stores.sessions.create({ ...record, prompt: canary } as unknown as SessionRecord);

    expect(JSON.stringify(raw.prepare('SELECT * FROM sessions WHERE id = ?').get(record.id))).not.toContain(canary);
  });

  it('keeps sessions, approvals and transcripts across a reopen of the data directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-sqlite-reopen-'));
    try {
      const record = sessionRecord();
      const first = await openEmbeddedSqliteStores({ dataDir: dir });
      const stored = await first.transcripts.put(transcriptOf(record, { prompt: 'kept' }));
      await first.sessions.create({ ...record, transcriptKey: stored.key, transcriptSha256: stored.sha256 });
      await first.approvals.create(approval({ sessionId: record.id, createdAt: new Date().toISOString() }));
      await first.close();

      const second = await openEmbeddedSqliteStores({ dataDir: dir });
      const session = await second.sessions.get(record.id);
      const transcript = await second.transcripts.get(stored.key);
      const unfinished = await second.unfinishedApprovals();
      await second.close();

      expect(session).toMatchObject({ id: record.id, transcriptSha256: stored.sha256 });
      expect(transcript?.sha256).toBe(stored.sha256);
      expect(unfinished.map((a) => a.sessionId)).toEqual([record.id]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps nothing on disk without a data directory (--in-memory)', async () => {
    const before = await readdir(tmpdir());
    const memory = await openEmbeddedSqliteStores({});
    const record = sessionRecord();
    const stored = await memory.transcripts.put(transcriptOf(record, { prompt: 'gone at exit' }));
    await memory.sessions.create(record);

    const read = await memory.transcripts.get(stored.key);
    await memory.close();

    expect(read?.sha256).toBe(stored.sha256);
    expect((await readdir(tmpdir())).filter((f) => !before.includes(f) && f.startsWith('airlock'))).toEqual([]);
  });

  describe('transcript segments', () => {
    /** The stored bytes of a key, read past the store: from its segment at the indexed offset. */
    const segmentBytes = async (key: string) => {
      const at = stores.transcriptFiles!.locationOf(key)!;
      return (await readFile(at.path)).subarray(at.offset, at.offset + at.length);
    };
    const rewrite = async (key: string, change: (bytes: Buffer) => Buffer) => {
      const at = stores.transcriptFiles!.locationOf(key)!;
      const segment = await readFile(at.path);
      const changed = change(Buffer.from(segment.subarray(at.offset, at.offset + at.length)));
      await writeFile(at.path, Buffer.concat([segment.subarray(0, at.offset), changed, segment.subarray(at.offset + changed.length)]));
    };

    it('keys transcripts/YYYY/MM/DD/<shard>/{id}.json and appends exactly the hashed bytes to a segment, after a header line naming them', async () => {
      const record = sessionRecord({ createdAt: '2026-02-03T23:59:59.999Z' });
      const transcript = { ...transcriptOf(record, { messages: [{ role: 'user', content: 'Résumé ✓' }] }, { id: 'r1' }), events: [{ t: 4, data: '[DONE]' }] };

      const stored = await stores.transcripts.put(transcript);

      const shard = sha256(Buffer.from(record.id)).slice(0, 2);
      expect(stored.key).toBe(`transcripts/2026/02/03/${shard}/${record.id}.json`);
      const bytes = await segmentBytes(stored.key);
      expect(sha256(bytes)).toBe(stored.sha256);
      expect(JSON.parse(bytes.toString('utf8'))).toEqual(transcript);
      const at = stores.transcriptFiles!.locationOf(stored.key)!;
      expect(at.path).toMatch(/\/transcripts\/segments\/\d{4}-\d{2}-\d{2}\/\d+-\d+-\d+\.seg$/);
      const header = (await readFile(at.path)).subarray(0, at.offset).toString('utf8').trimEnd().split('\n').at(-1)!;
      expect(JSON.parse(header)).toEqual({ key: stored.key, length: bytes.length, sha256: stored.sha256 });
      expect(await stores.transcripts.get(stored.key)).toEqual({ transcript, sha256: stored.sha256 });
    });

    it('writes many transcripts into one segment file, not a file each, and reads each back', async () => {
      const puts = await Promise.all(Array.from({ length: 50 }, (_, i) => stores.transcripts.put(transcriptOf(sessionRecord(), { messages: [{ role: 'user', content: `prompt ${i}` }] }))));

      const segments = new Set(puts.map((p) => stores.transcriptFiles!.locationOf(p.key)!.path));
      expect(segments.size).toBe(1);
      for (const [i, p] of puts.entries()) expect(await stores.transcripts.get(p.key)).toMatchObject({ sha256: p.sha256, transcript: { request: { messages: [{ content: `prompt ${i}` }] } } });
    });

    it('reads them again after the database is reopened, and a new process appends to a new segment', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'airlock-segments-'));
      try {
        const first = await openEmbeddedSqliteStores({ dataDir: dir, ttlDays: 3650 });
        const a = await first.transcripts.put(transcriptOf(sessionRecord(), { messages: [{ role: 'user', content: 'before restart' }] }));
        const pathA = first.transcriptFiles!.locationOf(a.key)!.path;
        await first.close();
        const second = await openEmbeddedSqliteStores({ dataDir: dir, ttlDays: 3650 });
        const b = await second.transcripts.put(transcriptOf(sessionRecord(), { messages: [{ role: 'user', content: 'after restart' }] }));

        expect((await second.transcripts.get(a.key))?.sha256).toBe(a.sha256);
        expect(second.transcriptFiles!.locationOf(b.key)!.path).not.toBe(pathA);
        await second.close();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('still reads a transcript file of a data directory written before segments (with and without the shard segment)', async () => {
      for (const [createdAt, keyOf] of [
        ['2026-01-09T10:00:00.000Z', (id: string) => `transcripts/2026/01/09/${id}.json`],
        ['2026-01-10T10:00:00.000Z', (id: string) => `transcripts/2026/01/10/${sha256(Buffer.from(id)).slice(0, 2)}/${id}.json`],
      ] as const) {
        const record = sessionRecord({ createdAt });
        const key = keyOf(record.id);
        const bytes = Buffer.from(JSON.stringify(transcriptOf(record, { messages: [] })));
        await mkdir(join(dataDir, key, '..'), { recursive: true });
        await writeFile(join(dataDir, key), bytes);

        expect(await stores.transcripts.get(key)).toMatchObject({ sha256: sha256(bytes), transcript: { sessionId: record.id } });
      }
    });

    it('stores an approved exchange next to the held request, not over it', async () => {
      const record = sessionRecord();
      const held = await stores.transcripts.put(transcriptOf(record, { messages: [{ role: 'user', content: 'held' }] }));

      const approved = await stores.transcripts.put({ ...transcriptOf(record, { messages: [] }, { answer: 'approved' }), approvalId: 'ap_0123456789', held });

      expect(approved.key).toBe(held.key.replace(/\.json$/, '.approved.json'));
      expect((await stores.transcripts.get(held.key))?.sha256).toBe(held.sha256);
      expect((await stores.transcripts.get(approved.key))?.transcript.held).toEqual(held);
    });

    it('detects a transcript rewritten in its segment after the fact', async () => {
      const stored = await stores.transcripts.put(transcriptOf(sessionRecord(), { messages: [{ role: 'user', content: 'original' }] }));
      await rewrite(stored.key, (bytes) => Buffer.from(bytes.toString('utf8').replace('original', 'forged!!')));

      const read = await stores.transcripts.get(stored.key);

      expect(read?.transcript.request).toEqual({ messages: [{ role: 'user', content: 'forged!!' }] });
      expect(read?.sha256).not.toBe(stored.sha256);
    });

    it('reports bytes that are not JSON, and a segment cut short, as corrupt', async () => {
      const garbled = await stores.transcripts.put(transcriptOf(sessionRecord(), {}));
      await rewrite(garbled.key, (bytes) => Buffer.alloc(bytes.length, '#'));
      await expect(stores.transcripts.get(garbled.key)).rejects.toMatchObject({ name: 'StoreError', code: 'corrupt' });

      const cut = await stores.transcripts.put(transcriptOf(sessionRecord(), {}));
      const at = stores.transcriptFiles!.locationOf(cut.key)!;
      await writeFile(at.path, (await readFile(at.path)).subarray(0, at.offset + 10));
      await expect(stores.transcripts.get(cut.key)).rejects.toMatchObject({ name: 'StoreError', code: 'corrupt' });
    });

    it('returns undefined for a missing transcript and for a key outside the layout', async () => {
      expect(await stores.transcripts.get(`transcripts/2026/01/01/${sessionRecord().id}.json`)).toBeUndefined();
      expect(await stores.transcripts.get('../airlock.db')).toBeUndefined();
    });

    it('refuses a session id that would escape the transcript directory', async () => {
      const transcript = { ...transcriptOf(sessionRecord(), {}), sessionId: '../../etc/passwd' };

      await expect(stores.transcripts.put(transcript)).rejects.toMatchObject({ name: 'StoreError', code: 'invalid', fields: ['sessionId'] });
    });
  });

  describe('audit search', () => {
    const sub = (n: number) => ['alice', 'bob', 'carol'][n % 3]!;
    let sessions: SessionRecord[];
    let search: SqliteSessionQueries;
    let searchStores: Stores;
    const END = Date.parse('2026-07-10T00:00:00.000Z');

    beforeAll(async () => {
      searchStores = await openEmbeddedSqliteStores({ ttlDays: 3650, clock: () => new Date(END) });
      search = searchStores.queries as SqliteSessionQueries;
      sessions = Array.from({ length: 600 }, (_, i) => {
        const createdAt = new Date(END - (i + 1) * 3_517_000).toISOString();
        return sessionRecord({
          id: ulid(Date.parse(createdAt)),
          createdAt,
          updatedAt: createdAt,
          principal: { issuer: i % 7 === 0 ? 'https://okta.test' : 'https://issuer.test', sub: sub(i), groups: i % 4 === 0 ? ['data-science'] : ['llm-users'], ...(i % 5 === 0 ? { clientId: 'ci' } : {}) },
          model: i % 2 ? 'gpt-4o' : 'claude',
          decision: i % 6 === 0 ? 'review' : 'allow',
          status: i % 6 === 0 ? 'pending' : i % 3 === 0 ? 'in_progress' : 'completed',
          risk: { score: i % 101, reasons: [] },
        });
      });
      for (const s of sessions) await searchStores.sessions.create(s);
    });

    afterAll(() => searchStores?.close());

    const expected = (filter: SessionFilter) =>
      sessions
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

    async function listAll(filter: SessionFilter, limit: number): Promise<string[]> {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await search.listSessions(filter, { limit, ...(cursor ? { cursor } : {}) });
        expect(page.items.length).toBeLessThanOrEqual(limit);
        ids.push(...page.items.map((s) => s.id));
        cursor = page.nextCursor;
      } while (cursor);
      return ids;
    }

    it.each<[string, SessionFilter]>([
      ['principal', { principal: 'carol' }],
      ['principal at one issuer', { principal: 'alice', issuer: 'https://okta.test' }],
      ['status (the pending queue)', { status: 'pending' }],
      ['status and time range', { status: 'in_progress', to: new Date(END - 5 * 86_400_000).toISOString() }],
      ['group', { group: 'data-science' }],
      ['client', { client: 'ci' }],
      ['model and minimum risk', { model: 'gpt-4o', minRisk: 60 }],
      ['decision', { decision: 'review' }],
      ['time range', { from: new Date(END - 10 * 86_400_000).toISOString(), to: new Date(END - 2 * 86_400_000).toISOString() }],
    ])('filters by %s, newest first, every session once across pages', async (_name, filter) => {
      const want = expected(filter);

      const ids = await listAll(filter, 37);

      expect(want.length).toBeGreaterThan(0);
      expect(ids).toEqual(want);
    });

    it.each<[string, SessionFilter, string]>([
      ['principal', { principal: 'bob', model: 'claude' }, 'sessions_by_principal'],
      ['status', { status: 'pending', group: 'data-science' }, 'sessions_by_status'],
      ['time', { model: 'claude' }, 'sessions_by_time'],
    ])('serves a search by %s from an index, never a table scan', async (_name, filter, index) => {
      const { sql, params } = search.statement(filter);

      const plan = (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ ...params, limit: 10 }) as { detail: string }[]).map((r) => r.detail).join('\n');

      expect(plan).toContain(index);
      expect(plan).not.toMatch(/SCAN sessions(?! USING)/);
    });

    it('refuses a cursor from another search and one that is not a cursor', async () => {
      const { nextCursor } = await search.listSessions({ principal: 'alice' }, { limit: 5 });

      await expect(search.listSessions({ principal: 'bob' }, { limit: 5, cursor: nextCursor! })).rejects.toMatchObject({ status: 400, param: 'cursor' });
      await expect(search.listSessions({ principal: 'alice' }, { limit: 5, cursor: 'not-a-cursor' })).rejects.toMatchObject({ status: 400, param: 'cursor' });
    });

    it.each([[0], [1001], [2.5]])('refuses a limit of %p', async (limit) => {
      await expect(search.listSessions({}, { limit })).rejects.toMatchObject({ status: 400, param: 'limit' });
    });
  });

  describe('approvals and task tokens', () => {
    it('reads back an approval, finds the newest by request hash, and transitions it conditionally', async () => {
      const hash = 'a'.repeat(63) + String(Math.floor(Math.random() * 10));
      const older = approval({ requestHash: hash, createdAt: '2026-01-01T00:00:00.000Z' });
      const newer = approval({ requestHash: hash, createdAt: '2026-01-02T00:00:00.000Z' });
      await stores.approvals.create(older);
      await stores.approvals.create(newer);

      const latest = await stores.approvals.findLatestByHash(hash);
      const claimed = await stores.approvals.transition(newer.id, ['pending'], { status: 'approved' }, { undecidedAt: '2026-01-02T00:30:00.000Z' });
      const again = await stores.approvals.transition(newer.id, ['pending'], { status: 'denied' });
      const late = await stores.approvals.transition(older.id, ['pending'], { status: 'approved' }, { undecidedAt: '2099-01-01T00:00:00.000Z' });

      expect(latest?.id).toBe(newer.id);
      expect([claimed, again, late]).toEqual([true, false, false]);
      expect((await stores.approvals.get(newer.id))?.status).toBe('approved');
      expect((await stores.approvals.get(older.id))?.status).toBe('pending');
      await expect(stores.approvals.create(older)).rejects.toMatchObject({ code: 'conflict' });
    });

    it('removes optional fields on a transition back', async () => {
      const a = approval();
      await stores.approvals.create(a);
      const decision = { approver: { issuer: 'https://issuer.test', sub: 'approver' }, decision: 'approved' as const, decidedAt: '2026-01-01T00:10:00.000Z' };
      await stores.approvals.transition(a.id, ['pending'], { status: 'approved', decision });

      await stores.approvals.transition(a.id, ['approved'], { status: 'pending' }, { remove: ['decision'] });

      const back = await stores.approvals.get(a.id);
      expect(back?.status).toBe('pending');
      expect(back?.decision).toBeUndefined();
    });

    it('keeps a task token until it is deleted', async () => {
      const id = approval().id;
      await stores.taskTokens.put(id, 'token-value', new Date(Date.now() + 60_000));

      const read = await stores.taskTokens.get(id);
      await stores.taskTokens.delete(id);

      expect(read).toBe('token-value');
      expect(await stores.taskTokens.get(id)).toBeUndefined();
    });
  });
});

function approval(overrides: Partial<ApprovalRequest> = {}): ApprovalRequest {
  const createdAt = overrides.createdAt ?? '2026-01-01T00:00:00.000Z';
  return {
    id: `ap_${ulid()}`,
    sessionId: ulid(),
    sessionCreatedAt: createdAt,
    requestHash: createHash('sha256').update(ulid()).digest('hex'),
    status: 'pending',
    createdAt,
    updatedAt: createdAt,
    decideBy: new Date(Date.parse(createdAt) + 3_600_000).toISOString(),
    reuseUntil: new Date(Date.parse(createdAt) + 3_600_000).toISOString(),
    principal: { issuer: 'https://issuer.test', sub: 'requester', groups: ['llm-users'] },
    model: 'gpt-test',
    format: 'openai',
    stream: false,
    risk: { score: 60, reasons: [] },
    findingCounts: {},
    approversGroup: 'approvers',
    selfApproval: false,
    timeoutSeconds: 3600,
    promptExcerpt: 'rm -rf /',
    requestKey: `transcripts/2026/01/01/${ulid()}.json`,
    requestSha256: 'b'.repeat(64),
    ...overrides,
  };
}
