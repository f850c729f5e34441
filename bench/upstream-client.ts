import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { OpenAICompatibleProvider } from '../lambdas/providers/openai-compatible';
import { readText, sendRequest } from '../lambdas/providers/http-transport';
import { sseDataPayloads } from '../lambdas/providers/sse';
import { round, type Figure } from './stats';

/**
 * CPU the gateway spends per upstream call, by client, plain and streamed, side by side in one run: global `fetch`
 * (what the provider used before), the keep-alive `node:http` transport alone, and the whole
 * provider on top of it (headers, deadline timers, JSON parse). The echo upstream runs in its own
 * process, so `process.cpuUsage()` here is the client's work only (all threads of this process).
 * Interleaved rounds of sequential calls; the figure is the median of rounds.
 * AIRLOCK_BENCH_CALLS calls per round (default 400), AIRLOCK_BENCH_ROUNDS rounds (default 7).
 */
export async function runUpstreamClientBench(): Promise<Figure[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/echo-upstream-process.ts'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  const baseUrl = line.trim();
  try {
    const body = JSON.stringify({
      model: 'echo',
      messages: [
        { role: 'system', content: 'You are a careful assistant for a platform team.' },
        { role: 'user', content: 'Summarise the deployment steps for the payments service in three bullet points.' },
      ],
    });
    const headers = { accept: 'application/json', 'content-type': 'application/json', authorization: 'Bearer bench-key' };
    const url = new URL(`${baseUrl}/chat/completions`);
    const provider = new OpenAICompatibleProvider({ baseUrl, apiKey: async () => 'bench-key', timeoutMs: 10_000, retries: 0 });
    const parsedBody = JSON.parse(body) as Record<string, unknown>;
    const streamBody = JSON.stringify({ ...parsedBody, stream: true });
    const clients: Record<string, () => Promise<unknown>> = {
      fetch: async () => JSON.parse(await (await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) })).text()),
      node_http: async () => JSON.parse(await readText(await sendRequest({ method: 'POST', url, headers, body, headersTimeoutMs: 10_000 }), 1 << 25, 10_000)),
      provider: () => provider.call({ path: '/chat/completions', body: parsedBody, stream: false }),
      // Streamed: the same SSE parser over each client's body, every event read.
      fetch_stream: async () => {
        const response = await fetch(url, { method: 'POST', headers, body: streamBody, signal: AbortSignal.timeout(10_000) });
        for await (const _ of sseDataPayloads(response.body as unknown as AsyncIterable<Uint8Array>)) void _;
      },
      provider_stream: async () => {
        const result = await provider.call({ path: '/chat/completions', body: { ...parsedBody, stream: true }, stream: true });
        if (result.kind === 'stream') for await (const _ of result.events) void _;
      },
    };
    const calls = Number(process.env.AIRLOCK_BENCH_CALLS ?? 400);
    const rounds = Number(process.env.AIRLOCK_BENCH_ROUNDS ?? 7);
    const perRound: Record<string, number[]> = Object.fromEntries(Object.keys(clients).map((k) => [k, []]));
    // Warm-up: JIT, connection pools.
    for (const call of Object.values(clients)) for (let i = 0; i < 200; i++) await call();
    for (let r = 0; r < rounds; r++) {
      process.stderr.write(`upstream-client: round ${r + 1}/${rounds}\n`);
      for (const [name, call] of Object.entries(clients)) {
        const before = process.cpuUsage();
        for (let i = 0; i < calls; i++) await call();
        const used = process.cpuUsage(before);
        perRound[name]!.push((used.user + used.system) / calls);
      }
    }
    return Object.entries(perRound).map(([client, values]) => ({
      name: 'upstream_client_cpu_us_per_call',
      value: round(median(values), 1),
      unit: 'us',
      client,
      calls_per_round: calls,
      rounds,
    }));
  } finally {
    child.stdin!.end();
    await once(child, 'exit');
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
