import { ulid } from 'ulid';
import { localDynamoClient } from '../local/embedded-stores';
import { DynamoSessionStore } from '../lambdas/store/dynamo-session-store';
import { INDEX_WRITE_SHARDS } from '../lambdas/store/schema';
import { dayOf, toSessionItem } from '../lambdas/store/session-item';
import { DynamoSessionQueries } from '../lambdas/store/session-queries';
import { createSessionTable } from '../lambdas/store/table-definition';
import type { SessionRecord } from '../lambdas/store/types';
import { startDynamoDbLocal } from '../test/support/dynamodb-local';
import { percentile, round, type Figure } from './stats';

/**
 * The session table under load, on DynamoDB Local with the sharded indexes (schema.ts): N sessions
 * written as the gateway writes them (create `in_progress`, then update to its final status), from
 * C concurrent writers, then searched back by day and by status. DynamoDB Local enforces no
 * partition limits, so the throughput is this machine's, not AWS's; what carries over to AWS is the
 * spread over the shards, from which `store_busiest_shard_writes_per_s_at` gives the write rate of
 * the busiest partition at 1,000 and 10,000 sessions/s (docs/scale.md holds the arithmetic).
 * AIRLOCK_BENCH_STORE_SESSIONS (default 4000), AIRLOCK_BENCH_STORE_WRITERS (default 32).
 */
export async function runStoreLoadBench(): Promise<Figure[]> {
  const sessions = Number(process.env.AIRLOCK_BENCH_STORE_SESSIONS ?? 4000);
  const writers = Number(process.env.AIRLOCK_BENCH_STORE_WRITERS ?? 32);
  const dynamo = await startDynamoDbLocal();
  const client = localDynamoClient(dynamo.endpoint);
  try {
    const tableName = 'bench-sessions';
    await createSessionTable(client, tableName);
    const store = new DynamoSessionStore({ tableName, client, ttlDays: 30 });
    const queries = new DynamoSessionQueries({ tableName, client });
    const started = Date.now();
    const records = Array.from({ length: sessions }, (_, i) => benchRecord(new Date(started - (sessions - i) * 5).toISOString()));

    let next = 0;
    const writeLatencies: number[] = [];
    const began = performance.now();
    await Promise.all(
      Array.from({ length: writers }, async () => {
        for (let i = next++; i < records.length; i = next++) {
          const record = records[i]!;
          const t0 = performance.now();
          await store.create(record);
          await store.update(record.id, { status: i % 10 === 0 ? 'pending' : 'completed', usage: { promptTokens: 812, completionTokens: 240, totalTokens: 1052 }, timings: { overheadMs: 0.8, upstreamMs: 900, totalMs: 902 } });
          writeLatencies.push(performance.now() - t0);
          if (i % 1000 === 999) process.stderr.write(`store-load: ${i + 1}/${sessions} sessions written\n`);
        }
      }),
    );
    const seconds = (performance.now() - began) / 1000;

    // Search back: the newest page of the day, and of the pending queue, repeatedly.
    const daySearch: number[] = [];
    const statusSearch: number[] = [];
    for (let i = 0; i < 30; i++) {
      let t0 = performance.now();
      const page = await queries.listSessions({}, { limit: 50 });
      daySearch.push(performance.now() - t0);
      if (page.items.length !== 50) throw new Error(`day search returned ${page.items.length} sessions`);
      t0 = performance.now();
      await queries.listSessions({ status: 'pending' }, { limit: 50 });
      statusSearch.push(performance.now() - t0);
    }

    // Spread: the share of one day's sessions on its busiest shard (index writes follow it: every item write touches its day entry).
    const perShard = new Map<string, number>();
    for (const r of records) {
      const key = toSessionItem(r, 30).day;
      perShard.set(key, (perShard.get(key) ?? 0) + 1);
    }
    const busiestShare = Math.max(...perShard.values()) / records.length;
    const itemBytes = Buffer.byteLength(JSON.stringify(toSessionItem({ ...records[0]!, status: 'completed' }, 30)));
    const writesPerSession = 2;
    const atRate = (rate: number): Figure => ({
      name: 'store_busiest_shard_writes_per_s_at',
      value: Math.round(rate * writesPerSession * busiestShare),
      unit: 'writes/s',
      sessions_per_s: rate,
      shards: INDEX_WRITE_SHARDS,
      unsharded_would_be: rate * writesPerSession,
      partition_limit_wcu: 1000,
    });
    const extra = { sessions, writers, engine: 'DynamoDB Local', shards: INDEX_WRITE_SHARDS };
    return [
      { name: 'store_writes_per_s', value: Math.round((sessions * writesPerSession) / seconds), unit: 'writes/s', ...extra },
      { name: 'store_sessions_per_s', value: Math.round(sessions / seconds), unit: 'sessions/s', ...extra },
      { name: 'store_session_write_p50_ms', value: round(percentile(writeLatencies, 50)), unit: 'ms', ...extra },
      { name: 'store_session_write_p99_ms', value: round(percentile(writeLatencies, 99)), unit: 'ms', ...extra },
      { name: 'store_search_p50_ms', value: round(percentile(daySearch, 50)), unit: 'ms', index: 'byDay', streams: INDEX_WRITE_SHARDS + 1, limit: 50, ...extra },
      { name: 'store_search_p99_ms', value: round(percentile(daySearch, 99)), unit: 'ms', index: 'byDay', streams: INDEX_WRITE_SHARDS + 1, limit: 50, ...extra },
      { name: 'store_status_search_p50_ms', value: round(percentile(statusSearch, 50)), unit: 'ms', index: 'byStatusShard', streams: INDEX_WRITE_SHARDS, limit: 50, ...extra },
      { name: 'store_busiest_shard_share', value: round(busiestShare, 4), unit: 'ratio', even_share: round(1 / INDEX_WRITE_SHARDS, 4), day: dayOf(records[0]!.createdAt), ...extra },
      { name: 'store_item_bytes', value: itemBytes, unit: 'B' },
      atRate(1000),
      atRate(10_000),
    ];
  } finally {
    client.destroy();
    await dynamo.stop();
  }
}

/** A session as the proxy records it: ULID id, a principal with groups, a risk score with a reason, finding counts. */
function benchRecord(createdAt: string): SessionRecord {
  return {
    id: ulid(Date.parse(createdAt)),
    createdAt,
    updatedAt: createdAt,
    principal: { issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEfGhI', sub: '3f1c2b7e-8d4a-4e59-9b1a-0c6d2e7f8a90', email: 'dev@example.com', groups: ['llm-users', 'data-science'] },
    route: 'POST /v1/chat/completions',
    model: 'gpt-4o-mini',
    stream: true,
    decision: 'allow',
    status: 'in_progress',
    risk: { score: 12, reasons: [{ id: 'findings.secret.aws_access_key_id', points: 12, message: 'A secret was masked' }] },
    findingCounts: { aws_access_key_id: 1, email: 2 },
    transcriptKey: `transcripts/${createdAt.slice(0, 4)}/${createdAt.slice(5, 7)}/${createdAt.slice(8, 10)}/${ulid()}.json`,
    transcriptSha256: 'a'.repeat(64),
  };
}
