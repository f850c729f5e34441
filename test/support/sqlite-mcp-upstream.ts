import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface SqliteMcpUpstream {
  url: string;
  /** Every SQL text the upstream received, in order (it prints each one). */
  received(): string[];
  /** Everything the process printed (canary searches). */
  output(): string;
  stop(): Promise<void>;
}

/** The example SQLite MCP upstream as its own process (`airlock mcp-example`), requiring `token`. */
export async function startSqliteMcpUpstream(token: string): Promise<SqliteMcpUpstream> {
  const child: ChildProcess = spawn(process.execPath, [join(REPO, 'cli/bin.mjs'), 'mcp-example', '--port', '0'], {
    cwd: REPO,
    env: { ...process.env, AIRLOCK_MCP_EXAMPLE_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`mcp-example did not start:\n${output}`)), 30_000);
    child.stdout!.on('data', () => {
      const m = output.match(/Example MCP upstream at (\S+)/);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]!);
      }
    });
  });
  return {
    url,
    received: () => [...output.matchAll(/^sql: (.*)$/gm)].map((m) => JSON.parse(m[1]!) as string),
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
