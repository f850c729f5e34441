import { INTERRUPTED_CODE, sweepInterrupted } from '../../../lambdas/gateway/sessions/sweep-interrupted';
import type { AirlockLogger } from '../../../lambdas/shared/logger';
import type { SessionRecord, SessionStatus } from '../../../lambdas/store/types';
import { InMemorySessionStore } from '../../support/in-memory-stores';

const silent: AirlockLogger = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
const NOW = Date.parse('2026-12-02T12:00:00.000Z');
const MINUTE = 60_000;
const clock = { now: () => NOW, monotonic: () => 0 };

function session(id: string, status: SessionStatus, ageMs: number): SessionRecord {
  const at = new Date(NOW - ageMs).toISOString();
  return {
    id,
    createdAt: at,
    updatedAt: at,
    principal: { issuer: 'https://issuer.test', sub: 'alice', groups: ['llm-users'] },
    route: 'POST /v1/chat/completions',
    stream: true,
    status,
    findingCounts: {},
  };
}

async function storeWith(...records: SessionRecord[]): Promise<InMemorySessionStore> {
  const store = new InMemorySessionStore();
  for (const r of records) await store.create(r);
  return store;
}

describe('sweepInterrupted', () => {
  it('marks in_progress sessions older than the longest call as interrupted, with an error code', async () => {
    const store = await storeWith(session('old', 'in_progress', 30 * MINUTE), session('young', 'in_progress', 2 * MINUTE));

    const result = await sweepInterrupted({ queries: store, sessions: store, logger: silent, clock }, { olderThanMs: 15 * MINUTE });

    expect(result).toEqual({ marked: 1 });
    expect(store.items.get('old')).toMatchObject({ status: 'interrupted', errorCode: INTERRUPTED_CODE });
    expect(store.items.get('young')).toMatchObject({ status: 'in_progress' });
  });

  it('leaves sessions in every other status alone, however old', async () => {
    const others: SessionStatus[] = ['completed', 'failed', 'blocked', 'cancelled', 'pending', 'approved', 'denied', 'expired'];
    const store = await storeWith(...others.map((s) => session(s, s, 60 * MINUTE)));

    const result = await sweepInterrupted({ queries: store, sessions: store, logger: silent, clock }, { olderThanMs: MINUTE });

    expect(result.marked).toBe(0);
    for (const s of others) expect(store.items.get(s)?.status).toBe(s);
  });

  it('does not overwrite a session that finished between the query and the write', async () => {
    const store = await storeWith(session('racing', 'in_progress', 30 * MINUTE));
    const queries = {
      listSessions: async (...args: Parameters<InMemorySessionStore['listSessions']>) => {
        const page = await store.listSessions(...args);
        await store.update('racing', { status: 'completed' });
        return page;
      },
    };

    const result = await sweepInterrupted({ queries, sessions: store, logger: silent, clock }, { olderThanMs: MINUTE });

    expect(result.marked).toBe(0);
    expect(store.items.get('racing')?.status).toBe('completed');
  });

  it('reads only the status index: a search by status, never a scan', async () => {
    const store = await storeWith(session('a', 'in_progress', 30 * MINUTE));
    const filters: unknown[] = [];
    const queries = {
      listSessions: (filter: Parameters<InMemorySessionStore['listSessions']>[0], page?: Parameters<InMemorySessionStore['listSessions']>[1]) => {
        filters.push(filter);
        return store.listSessions(filter, page);
      },
    };

    await sweepInterrupted({ queries, sessions: store, logger: silent, clock }, { olderThanMs: MINUTE });

    expect(filters).toEqual([{ status: 'in_progress', to: new Date(NOW - MINUTE).toISOString() }]);
  });

  it('pages through the index and stops at the limit, leaving the rest for the next run', async () => {
    const store = await storeWith(...Array.from({ length: 250 }, (_, i) => session(`s${i}`, 'in_progress', (20 + i) * MINUTE)));

    const first = await sweepInterrupted({ queries: store, sessions: store, logger: silent, clock }, { olderThanMs: MINUTE, limit: 120 });
    const second = await sweepInterrupted({ queries: store, sessions: store, logger: silent, clock }, { olderThanMs: MINUTE });

    expect(first.marked).toBe(120);
    expect(second.marked).toBe(130);
    expect([...store.items.values()].every((s) => s.status === 'interrupted')).toBe(true);
  });

  it('carries on past a session whose write fails, and counts only what it wrote', async () => {
    const store = await storeWith(session('a', 'in_progress', 30 * MINUTE), session('b', 'in_progress', 40 * MINUTE));
    store.failures.failNext('update');

    const result = await sweepInterrupted({ queries: store, sessions: store, logger: silent, clock }, { olderThanMs: MINUTE });

    expect(result.marked).toBe(1);
    expect([...store.items.values()].map((s) => s.status).sort()).toEqual(['in_progress', 'interrupted']);
  });
});
