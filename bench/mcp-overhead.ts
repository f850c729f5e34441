import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGatewayProcess } from '../test/support/gateway-process';
import { runLoad, type LoadResult } from './load';
import { percentile, round, type Figure } from './stats';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * MCP gateway overhead, side by side in one run: the same `tools/call` (stateless JSON-RPC POSTs,
 * no initialize) at the same open-loop rate, in alternating rounds, to the example SQLite upstream
 * directly and through `/mcp` of the local runtime (separate processes). Overhead = gateway
 * percentile − direct percentile. The session-item write before forwarding (fail closed) is
 * reported apart, from the gateway's `x-airlock-record-ms` header, and the overhead without it (each
 * request's latency less its own record write). The gateway keeps its records as `npm start` does
 * (SQLite and transcript files in a data directory). Rate: AIRLOCK_BENCH_RATE (default 50/s).
 * The call repeats one query (its SQL analysis then comes from the gateway's cache); the figures
 * tagged `sql: "distinct"` send a query no request repeats, so each one is parsed.
 */
export async function runMcpOverheadBench(): Promise<Figure[]> {
  const token = randomBytes(16).toString('hex');
  const upstream = spawn(process.execPath, [join(REPO, 'cli/bin.mjs'), 'mcp-example', '--port', '0'], {
    cwd: REPO,
    env: { ...process.env, AIRLOCK_MCP_EXAMPLE_TOKEN: token, NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Reading stdout keeps the pipe drained (the upstream prints each SQL text).
  let output = '';
  upstream.stdout.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-2000)));
  const upstreamUrl = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('mcp-example did not start')), 30_000);
    upstream.stdout.on('data', () => {
      const m = /Example MCP upstream at (\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        ok(m[1]!);
      }
    });
  });
  const gateway = await startGatewayProcess(
    {
      AIRLOCK_LOCAL_STORES: 'embedded',
      AIRLOCK_MCP_EXAMPLE: 'off',
      POWERTOOLS_LOG_LEVEL: 'WARN',
      BENCH_DB_TOKEN: token,
      AIRLOCK_MCP_UPSTREAMS: JSON.stringify([{ name: 'db', url: upstreamUrl, groups: ['llm-users'], credential: { env: 'BENCH_DB_TOKEN' } }]),
    },
    { persist: true },
  );
  try {
    const caller = await gateway.token('bench', ['llm-users']);
    const mcpUrl = gateway.apiBaseUrl.replace(/\/v1$/, '/mcp');
    const call = (name: string, sql = "SELECT name, city FROM customers WHERE city = 'Lyon' LIMIT 5") =>
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: { sql } } });
    // A SQL text no request repeats: the gateway keeps each text's analysis, so this is the cost of a new query.
    let unique = 0;
    const distinct = (name: string) => () => call(name, `SELECT name, city FROM customers WHERE city = 'Lyon' AND id <> ${unique++} LIMIT 5`);
    const rate = Number(process.env.AIRLOCK_BENCH_RATE ?? 50);
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' };
    const direct = {
      url: upstreamUrl,
      body: call('run_sql'),
      rate,
      connections: 16,
      requests: rate * 3,
      headers: { ...headers, authorization: `Bearer ${token}` },
    };
    const via = {
      url: mcpUrl,
      body: call('db.run_sql'),
      rate,
      connections: 16,
      requests: rate * 3,
      headers: { ...headers, authorization: `Bearer ${caller}` },
    };
    await runLoad({ ...direct, requests: 200 });
    await runLoad({ ...via, requests: 200 });
    const d: LoadResult[] = [];
    const g: LoadResult[] = [];
    const dDistinct: LoadResult[] = [];
    const gDistinct: LoadResult[] = [];
    for (let round = 0; round < 5; round++) {
      d.push(await runLoad(direct));
      g.push(await runLoad(via, 'x-airlock-record-ms'));
      dDistinct.push(await runLoad({ ...direct, body: distinct('run_sql') }));
      gDistinct.push(await runLoad({ ...via, body: distinct('db.run_sql') }, 'x-airlock-record-ms'));
    }
    // Medians of per-round differences are steadier on a shared machine than one pooled difference.
    const perRound = (p: number, of: (r: LoadResult) => number[] = (r) => r.latenciesMs, [directRounds, gatewayRounds] = [d, g]) =>
      directRounds.map((r, i) => percentile(of(gatewayRounds[i]!), p) - percentile(r.latenciesMs, p));
    const lessRecord = (r: LoadResult) => r.latenciesLessHeaderMs;
    const record = g.flatMap((r) => r.headerValues);
    const errors = [...d, ...g, ...dDistinct, ...gDistinct].reduce((n, r) => n + r.errors, 0);
    const extra = { requests: g.reduce((n, r) => n + r.latenciesMs.length, 0), rate_per_s: rate, connections: 16, rounds: 5, errors };
    return [
      { name: 'mcp_overhead_p50_ms', value: round(percentile(perRound(50), 50)), unit: 'ms', includes_record_write: true, ...extra },
      { name: 'mcp_overhead_p99_ms', value: round(percentile(perRound(99), 50)), unit: 'ms', includes_record_write: true, ...extra },
      { name: 'mcp_overhead_p50_ms', value: round(percentile(perRound(50, lessRecord), 50)), unit: 'ms', includes_record_write: false, ...extra },
      { name: 'mcp_overhead_p99_ms', value: round(percentile(perRound(99, lessRecord), 50)), unit: 'ms', includes_record_write: false, ...extra },
      { name: 'mcp_overhead_p50_ms', value: round(percentile(perRound(50, lessRecord, [dDistinct, gDistinct]), 50)), unit: 'ms', includes_record_write: false, sql: 'distinct', ...extra },
      { name: 'mcp_overhead_p99_ms', value: round(percentile(perRound(99, lessRecord, [dDistinct, gDistinct]), 50)), unit: 'ms', includes_record_write: false, sql: 'distinct', ...extra },
      { name: 'mcp_record_write_p50_ms', value: round(percentile(record, 50)), unit: 'ms' },
      { name: 'mcp_record_write_p99_ms', value: round(percentile(record, 99)), unit: 'ms' },
      {
        name: 'mcp_direct_latency_p50_ms',
        value: round(
          percentile(
            d.flatMap((r) => r.latenciesMs),
            50,
          ),
        ),
        unit: 'ms',
      },
      {
        name: 'mcp_gateway_latency_p50_ms',
        value: round(
          percentile(
            g.flatMap((r) => r.latenciesMs),
            50,
          ),
        ),
        unit: 'ms',
      },
    ];
  } finally {
    await gateway.stop();
    const exited = new Promise((r) => upstream.once('exit', r));
    upstream.kill('SIGTERM');
    await exited;
  }
}
