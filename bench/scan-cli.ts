import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInspector, policyFromObject, type Inspector } from '../lambdas/inspect';
import { realisticText } from './realistic-text';
import { percentile, round, type Figure } from './stats';

/**
 * `scan_mb_s_cli`: the whole `airlock scan` process (start-up, reading stdin, masking, deciding,
 * writing stdout) on 24 MB of realistic text, run as the README runs it (`node cli/bin.mjs scan`),
 * beside the same text inside this process: `scan_mask_mb_s_in_process` (the inspector's maskText)
 * and `scan_prompt_mb_s_in_process` (what the command does: the prompt scanner over stdin-sized
 * chunks, masking and deciding). `scan_startup_ms`: the command on empty stdin. Medians of rounds;
 * each figure carries the 1-minute load average it was measured under. Target: > 100 MB/s from the shell.
 */
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MB = 24;
const ROUNDS = 3;
/** What a pipe delivers per read. */
const STDIN_CHUNK = 64 * 1024;

function runScan(input: string | null): Promise<number> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(process.execPath, [join(REPO, 'cli/bin.mjs'), 'scan'], { cwd: tmpdir(), stdio: ['pipe', 'pipe', 'pipe'] });
    let bytes = 0;
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (bytes += d.length));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    if (input) createReadStream(input).pipe(child.stdin);
    else child.stdin.end();
    child.on('error', fail);
    child.on('close', (code) => {
      if ((code !== 0 && code !== 2) || (input && bytes === 0)) fail(new Error(`airlock scan exited ${code}: ${stderr}`));
      else done(performance.now() - started);
    });
  });
}

function scanInChunks(inspector: Inspector, text: string): void {
  const scanner = inspector.promptScanner();
  for (let i = 0; i < text.length; i += STDIN_CHUNK) scanner.push(text.slice(i, i + STDIN_CHUNK));
  scanner.end();
  scanner.verdict();
}

const timed = (fn: () => void): number => {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
};

export async function runScanCliBench(): Promise<Figure[]> {
  const text = realisticText(MB * 1024 * 1024);
  const dir = await mkdtemp(join(tmpdir(), 'airlock-scan-bench-'));
  const input = join(dir, 'input.txt');
  try {
    await writeFile(input, text);
    await runScan(input);
    const load = round(loadavg()[0]!, 2);
    const startup: number[] = [];
    for (let r = 0; r < 5; r++) startup.push(await runScan(null));
    const cli: number[] = [];
    const mask: number[] = [];
    const prompt: number[] = [];
    const inspector = createInspector(policyFromObject({ version: 1, access: { groups: ['*'] } }).defaults);
    inspector.maskText(text);
    scanInChunks(inspector, text);
    for (let r = 0; r < ROUNDS; r++) {
      cli.push(MB / ((await runScan(input)) / 1000));
      mask.push(MB / (timed(() => inspector.maskText(text)) / 1000));
      prompt.push(MB / (timed(() => scanInChunks(inspector, text)) / 1000));
      process.stderr.write(`bench: scan round ${r + 1}/${ROUNDS}\n`);
    }
    const figure = (name: string, values: number[], unit: string): Figure => ({ name, value: round(percentile(values, 50), 1), unit, rounds: values.map((v) => round(v, 1)), load });
    return [
      figure('scan_mb_s_cli', cli, 'MB/s'),
      figure('scan_mask_mb_s_in_process', mask, 'MB/s'),
      figure('scan_prompt_mb_s_in_process', prompt, 'MB/s'),
      figure('scan_startup_ms', startup, 'ms'),
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
