import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Figure } from './stats';

/**
 * `startup_first_answer_ms`: from spawning `node cli/bin.mjs serve` on an existing data directory
 * (a first run created it) to the first 200 from `GET /v1/models` with the dev token it prints. Median of a few runs; each run polls
 * the port the process prints.
 */
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(REPO, 'cli/bin.mjs');

/** CPU time (user + system) the process used so far, from /proc (Linux; clock ticks of 10 ms). Load on a shared machine stretches wall time, not this. */
async function cpuMsOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function timeToFirstAnswer(dataDir: string, extraArgs: string[]): Promise<{ wallMs: number; cpuMs: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, 'serve', ...extraArgs], {
    cwd: REPO,
    env: { ...process.env, AIRLOCK_PORT: '0', AIRLOCK_DATA_DIR: dataDir, POWERTOOLS_DEV: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`airlock serve exited:\n${output}`);
      const url = output.match(/Airlock is running at (\S+)/)?.[1];
      const token = output.match(/export AIRLOCK_TOKEN=(\S+)/)?.[1];
      if (url && token) {
        const ok = await fetch(`${url}/models`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status === 200, () => false);
        if (ok) return { wallMs: performance.now() - started, cpuMs: await cpuMsOf(child.pid!) };
      }
      if (performance.now() - started > 30_000) throw new Error(`no answer within 30 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 2));
    }
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

export async function runStartupBench(runs = 5, extraArgs: string[] = []): Promise<Figure[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'airlock-startup-'));
  try {
    await timeToFirstAnswer(dataDir, extraArgs);
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < runs; i++) {
      const { wallMs, cpuMs } = await timeToFirstAnswer(dataDir, extraArgs);
      wall.push(wallMs);
      cpu.push(cpuMs);
      process.stderr.write(`startup run ${i + 1}/${runs}: ${wallMs.toFixed(0)} ms, ${cpuMs} ms CPU\n`);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const args = extraArgs.join(' ');
    return [
      { name: 'startup_first_answer_ms', value: Math.round(median(wall)), unit: 'ms', runs, min: Math.round(Math.min(...wall)), max: Math.round(Math.max(...wall)), args },
      { name: 'startup_cpu_ms', value: median(cpu), unit: 'ms', runs, args },
    ];
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  for (const figure of await runStartupBench(5, args)) process.stdout.write(`${JSON.stringify(figure)}\n`);
}
