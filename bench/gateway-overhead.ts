import { startEchoUpstream } from '../local/echo-upstream';
import { startGatewayProcess } from '../test/support/gateway-process';
import { runLoad, type LoadResult } from './load';
import { percentile, round, type Figure } from './stats';

/**
 * Gateway overhead, side by side in one run: the same requests, at the same open-loop rate
 * (concurrent callers), sent in alternating rounds to the echo upstream directly and through the
 * local runtime (a separate process, as `npm start` runs it). Overhead = gateway latency
 * percentile − direct latency percentile. Rate: AIRLOCK_BENCH_RATE requests/s (default 50), three
 * seconds per round, five rounds per target.
 */
export async function runGatewayOverheadBench(): Promise<Figure[]> {
  const upstream = await startEchoUpstream({ models: ['echo'] });
  // The local runtime's default store (SQLite + files), as `npm start` runs it.
  const gateway = await startGatewayProcess({ AIRLOCK_UPSTREAM_URL: upstream.url, POWERTOOLS_LOG_LEVEL: 'WARN', AIRLOCK_LOCAL_STORES: process.env.AIRLOCK_LOCAL_STORES ?? 'embedded' });
  try {
    const token = await gateway.token('bench', ['llm-users']);
    const body = JSON.stringify({
      model: 'echo',
      messages: [
        { role: 'system', content: 'You are a careful assistant for a platform team.' },
        { role: 'user', content: 'Summarise the deployment steps for the payments service in three bullet points.' },
      ],
    });
    const rate = Number(process.env.AIRLOCK_BENCH_RATE ?? 50);
    const base = { body, rate, connections: 16, requests: rate * 3, headers: { 'content-type': 'application/json' } };
    const direct: LoadResult[] = [];
    const viaGateway: LoadResult[] = [];
    // Warm-up (JIT, connections, table) is not measured.
    await runLoad({ ...base, url: `${upstream.url}/chat/completions`, requests: 200 });
    await runLoad({ ...base, url: `${gateway.apiBaseUrl}/chat/completions`, requests: 200, headers: { ...base.headers, authorization: `Bearer ${token}` } });
    for (let round = 0; round < 5; round++) {
      direct.push(await runLoad({ ...base, url: `${upstream.url}/chat/completions` }));
      viaGateway.push(await runLoad({ ...base, url: `${gateway.apiBaseUrl}/chat/completions`, headers: { ...base.headers, authorization: `Bearer ${token}` } }, 'x-airlock-overhead-ms'));
    }
    const d = direct.flatMap((r) => r.latenciesMs);
    const g = viaGateway.flatMap((r) => r.latenciesMs);
    const self = viaGateway.flatMap((r) => r.headerValues);
    const errors = [...direct, ...viaGateway].reduce((n, r) => n + r.errors, 0);
    const extra = { requests: g.length, rate_per_s: base.rate, errors };
    return [
      { name: 'gateway_overhead_p50_ms', value: round(percentile(g, 50) - percentile(d, 50)), unit: 'ms', ...extra },
      { name: 'gateway_overhead_p99_ms', value: round(percentile(g, 99) - percentile(d, 99)), unit: 'ms', ...extra },
      { name: 'direct_latency_p50_ms', value: round(percentile(d, 50)), unit: 'ms' },
      { name: 'gateway_latency_p50_ms', value: round(percentile(g, 50)), unit: 'ms' },
      { name: 'gateway_self_reported_overhead_p50_ms', value: round(percentile(self, 50)), unit: 'ms' },
      { name: 'gateway_self_reported_overhead_p99_ms', value: round(percentile(self, 99)), unit: 'ms' },
    ];
  } finally {
    await gateway.stop();
    await upstream.close();
  }
}
