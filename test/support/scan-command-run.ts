import { PassThrough, Readable } from 'node:stream';
import { scanCommand } from '../../cli/commands/scan';

/** `airlock scan` in this process, stdin given as its reads (one per string); what it printed and its exit status. */
export async function runScanCommand(argv: string[], input: string | string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await scanCommand(argv, { stdin: Readable.from(Array.isArray(input) ? input : [input]), stdout, stderr });
  return { code, out, err };
}
