import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInspector, policyFromObject } from '../lambdas/inspect';
import { realisticText } from './realistic-text';
import { percentile, round, type Figure } from './stats';

/**
 * `scan_mb_s_cli`: the whole `airlock scan` process (start-up, reading stdin, masking, writing
 * stdout) on 24 MB of realistic text, run as the README runs it (`node cli/bin.mjs scan`), beside
 * `scan_mask_mb_s_in_process`: the inspector masking the same text inside this process. Median of
 * rounds. Target: > 100 MB/s from the shell.
 */
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MB = 24;
const ROUNDS = 3;

function runScan(input: string): Promise<number> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(process.execPath, [join(REPO, 'cli/bin.mjs'), 'scan'], { cwd: tmpdir(), stdio: ['pipe', 'pipe', 'pipe'] });
    let bytes = 0;
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (bytes += d.length));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    createReadStream(input).pipe(child.stdin);
    child.on('error', fail);
    child.on('close', (code) => {
      if ((code !== 0 && code !== 2) || bytes === 0) fail(new Error(`airlock scan exited ${code}: ${stderr}`));
      else done(performance.now() - started);
    });
  });
}

export async function runScanCliBench(): Promise<Figure[]> {
  const text = realisticText(MB * 1024 * 1024);
  const dir = await mkdtemp(join(tmpdir(), 'airlock-scan-bench-'));
  const input = join(dir, 'input.txt');
  try {
    await writeFile(input, text);
    await runScan(input);
    const cli: number[] = [];
    const inProcess: number[] = [];
    const inspector = createInspector(policyFromObject({ version: 1, access: { groups: ['*'] } }).defaults);
    inspector.maskText(text);
    for (let r = 0; r < ROUNDS; r++) {
      cli.push(MB / ((await runScan(input)) / 1000));
      const t0 = performance.now();
      inspector.maskText(text);
      inProcess.push(MB / ((performance.now() - t0) / 1000));
      process.stderr.write(`bench: scan round ${r + 1}/${ROUNDS}\n`);
    }
    return [
      { name: 'scan_mb_s_cli', value: round(percentile(cli, 50), 1), unit: 'MB/s', rounds: cli.map((v) => round(v, 1)) },
      { name: 'scan_mask_mb_s_in_process', value: round(percentile(inProcess, 50), 1), unit: 'MB/s', rounds: inProcess.map((v) => round(v, 1)) },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
