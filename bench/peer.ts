import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { startGatewayProcess } from '../test/support/gateway-process';
import { percentile, round, type Figure } from './stats';

/**
 * Airlock beside a peer, in one run: Portkey's open-source gateway (`@portkey-ai/gateway`, pinned
 * in package.json; it does no auth, masking or recording) and the local runtime (auth, inspection
 * and the record on: SQLite and transcript segments in a data directory, as `npm start` keeps them), both in front of the same echo upstream (its own process), which is
 * also called directly. Closed loop: C callers each send their next request when the previous
 * answer has fully arrived. Each round visits every target at every concurrency (1, 8, 32), plain
 * and streamed, against the zero-latency model and one answering after 50 ms (`echo-ttfb50`); the
 * order of targets rotates per round. Added latency = target percentile − direct percentile of the
 * same round; each figure is the median of rounds. CPU (user + system, all threads, from /proc) per
 * request over the 32-concurrent plain loads against the zero-latency model, which are the longest
 * (2,000 requests: a shorter load's CPU is dominated by what it cannot amortise); peak RSS is VmHWM at the end.
 * AIRLOCK_BENCH_ROUNDS (default 3), AIRLOCK_BENCH_SCALE multiplies the requests per load (default 1).
 */

const CONCURRENCY = [1, 8, 32] as const;
const ZERO = 'echo';
const SLOW = 'echo-ttfb50';

interface Target {
  name: 'direct' | 'airlock' | 'portkey';
  url: URL;
  headers: Record<string, string>;
  pid?: number;
}

export async function runPeerBench(): Promise<Figure[]> {
  const rounds = Number(process.env.AIRLOCK_BENCH_ROUNDS ?? 3);
  const scale = Number(process.env.AIRLOCK_BENCH_SCALE ?? 1);
  const upstreamChild = spawn(process.execPath, ['--import', 'tsx', 'bench/echo-upstream-process.ts'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: upstreamChild.stdout! }), 'line')) as [string];
  const upstreamUrl = line.trim();
  const gateway = await startGatewayProcess({ AIRLOCK_UPSTREAM_URL: upstreamUrl, POWERTOOLS_LOG_LEVEL: 'WARN', AIRLOCK_LOCAL_STORES: 'embedded' }, { persist: true });
  const portkey = await startPortkey();
  try {
    const token = await gateway.token('bench', ['llm-users']);
    const json = { 'content-type': 'application/json' };
    const targets: Target[] = [
      { name: 'direct', url: new URL(`${upstreamUrl}/chat/completions`), headers: json },
      { name: 'airlock', url: new URL(`${gateway.apiBaseUrl}/chat/completions`), headers: { ...json, authorization: `Bearer ${token}` }, pid: gateway.pid },
      {
        name: 'portkey',
        url: new URL(`${portkey.url}/v1/chat/completions`),
        headers: { ...json, authorization: 'Bearer bench-key', 'x-portkey-provider': 'openai', 'x-portkey-custom-host': upstreamUrl },
        pid: portkey.child.pid!,
      },
    ];
    const bodyOf = (model: string, stream: boolean) =>
      JSON.stringify({
        model,
        stream,
        messages: [
          { role: 'system', content: 'You are a careful assistant for a platform team.' },
          { role: 'user', content: 'Summarise the deployment steps for the payments service in three bullet points.' },
        ],
      });
    const requestsFor = (model: string, c: number) => Math.round(scale * (model === ZERO ? [100, 240, 2000][CONCURRENCY.indexOf(c as 1)]! : [20, 60, 160][CONCURRENCY.indexOf(c as 1)]!));

    // Warm-up (JIT, connection pools, the gateway's table): not measured; each answer is checked once.
    for (const t of targets) {
      for (const stream of [false, true]) {
        const { errors } = await closedLoop(t, bodyOf(ZERO, stream), 8, 200);
        if (errors) throw new Error(`${t.name} answered ${errors} of 200 warm-up requests (stream: ${stream}) with an error`);
      }
    }

    type Key = string;
    const perRound = new Map<Key, number[]>();
    const push = (key: Key, v: number) => perRound.set(key, [...(perRound.get(key) ?? []), v]);
    const cpuMs: Record<string, number[]> = { airlock: [], portkey: [] };
    const rps: Record<string, number[]> = { direct: [], airlock: [], portkey: [] };
    let errors = 0;
    const loads = rounds * 2 * CONCURRENCY.length * 2;
    let done = 0;
    const began = performance.now();
    for (let r = 0; r < rounds; r++) {
      const order = targets.slice(r % targets.length).concat(targets.slice(0, r % targets.length));
      for (const model of [ZERO, SLOW]) {
        for (const c of CONCURRENCY) {
          for (const stream of [false, true]) {
            const body = bodyOf(model, stream);
            const n = requestsFor(model, c);
            const p: Record<string, { p50: number; p99: number }> = {};
            for (const t of order) {
              const cpuBefore = t.pid ? await cpuTimeMs(t.pid) : 0;
              const result = await closedLoop(t, body, c, n);
              errors += result.errors;
              p[t.name] = { p50: percentile(result.latencies, 50), p99: percentile(result.latencies, 99) };
              if (model === ZERO && c === 32 && !stream) {
                rps[t.name]!.push(result.latencies.length / result.seconds);
                if (t.pid) cpuMs[t.name]!.push(((await cpuTimeMs(t.pid)) - cpuBefore) / n);
              }
            }
            const variant = `${model === ZERO ? 'zero' : 'ttfb50'}|${c}|${stream ? 'stream' : 'plain'}`;
            for (const t of ['airlock', 'portkey'] as const) {
              push(`${t}|${variant}|p50`, p[t]!.p50 - p.direct!.p50);
              push(`${t}|${variant}|p99`, p[t]!.p99 - p.direct!.p99);
            }
            push(`direct|${variant}|p50`, p.direct!.p50);
            done++;
            const elapsed = (performance.now() - began) / 1000;
            process.stderr.write(
              `peer: round ${r + 1}/${rounds}, ${variant}: airlock +${(p.airlock!.p50 - p.direct!.p50).toFixed(2)} ms, portkey +${(p.portkey!.p50 - p.direct!.p50).toFixed(2)} ms p50 (${done}/${loads} loads, ${elapsed.toFixed(0)} s)\n`,
            );
          }
        }
      }
    }

    const figures: Figure[] = [];
    const common = { rounds, errors };
    const peer = { peer: `@portkey-ai/gateway@${portkey.version}` };
    for (const [key, values] of perRound) {
      const [target, model, c, mode, p] = key.split('|') as [string, string, string, string, string];
      const prefix = target === 'airlock' ? 'gateway' : target === 'portkey' ? 'peer_portkey' : 'direct';
      const name = target === 'direct' ? `direct_latency_${p}_ms` : `${prefix}_overhead_${p}_ms`;
      figures.push({ name, value: round(median(values)), unit: 'ms', concurrency: Number(c), mode, upstream: model === 'zero' ? 'zero-latency' : 'ttfb-50ms', ...common, ...(target === 'portkey' ? peer : {}) });
    }
    for (const t of ['airlock', 'portkey'] as const) {
      const prefix = t === 'airlock' ? 'gateway' : 'peer_portkey';
      const peakRss = await peakRssMb(t === 'airlock' ? gateway.pid : portkey.child.pid!);
      const tag = t === 'portkey' ? peer : {};
      figures.push({ name: `${prefix}_rps_max`, value: Math.round(median(rps[t]!)), unit: 'req/s', concurrency: 32, mode: 'plain', direct_rps: Math.round(median(rps.direct!)), ...common, ...tag });
      figures.push({ name: `${prefix}_cpu_ms_per_request`, value: round(median(cpuMs[t]!)), unit: 'ms', concurrency: 32, mode: 'plain', ...common, ...tag });
      figures.push({ name: `${prefix}_peak_rss_mb`, value: Math.round(peakRss), unit: 'MB', ...common, ...tag });
    }
    return figures;
  } finally {
    portkey.child.kill('SIGTERM');
    await gateway.stop();
    upstreamChild.stdin!.end();
    await once(upstreamChild, 'exit');
  }
}

/** Portkey's gateway as its package starts it (`build/start-server.js --port=N --headless`), on a free port. */
async function startPortkey(): Promise<{ url: string; child: ChildProcess; version: string }> {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('@portkey-ai/gateway/package.json');
  const { version } = JSON.parse(await readFile(packageJson, 'utf8')) as { version: string };
  const port = await freePort();
  const child = spawn(process.execPath, [packageJson.replace(/package\.json$/, 'build/start-server.js'), `--port=${port}`, '--headless'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (const started = Date.now(); Date.now() - started < 30_000; ) {
    if (child.exitCode !== null) throw new Error(`portkey exited:\n${output}`);
    const up = await fetch(`${url}/`).then(() => true, () => false);
    if (up) return { url, child, version };
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`portkey did not start:\n${output}`);
}

/** C callers over keep-alive connections, each sending its next request once the previous answer has fully arrived. */
async function closedLoop(target: Target, body: string, concurrency: number, requests: number): Promise<{ latencies: number[]; errors: number; seconds: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const headers = { ...target.headers, 'content-length': String(Buffer.byteLength(body)) };
  const latencies: number[] = [];
  let errors = 0;
  let issued = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const start = performance.now();
      const req = request({ agent, method: 'POST', hostname: target.url.hostname, port: target.url.port, path: target.url.pathname, headers }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) latencies.push(performance.now() - start);
          else errors++;
          resolve();
        });
        res.on('error', () => {
          errors++;
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(body);
    });
  const began = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (issued < requests) {
        issued++;
        await one();
      }
    }),
  );
  const seconds = (performance.now() - began) / 1000;
  agent.destroy();
  return { latencies, errors, seconds };
}

/** CPU time (user + system, every thread) a process used so far, from /proc (clock ticks of 10 ms). */
async function cpuTimeMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
