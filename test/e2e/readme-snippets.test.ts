import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process';

/**
 * The README's snippets, executed as written against `airlock serve`, so they cannot rot. A snippet
 * runs here when it talks to a running gateway (it uses $AIRLOCK_URL or the `airlock` command);
 * the set-up line (`npm ci && npm start`, which this very test stands for), the deploy commands and
 * the CI-provider examples need AWS or a CI runner and are only checked to exist.
 */
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);

interface Snippet {
  lang: string;
  code: string;
  line: number;
}

function snippets(markdown: string): Snippet[] {
  const out: Snippet[] = [];
  const fence = /^```(\w+)[^\n]*\n([\s\S]*?)^```$/gm;
  for (let m = fence.exec(markdown); m !== null; m = fence.exec(markdown)) {
    out.push({ lang: m[1]!, code: m[2]!, line: markdown.slice(0, m.index).split('\n').length });
  }
  return out;
}

const talksToGateway = (s: Snippet) => /\$AIRLOCK_URL|\bnpx airlock\b|process\.env\.AIRLOCK_URL|os\.environ\["AIRLOCK_URL"\]/.test(s.code) && !/<[a-z-]+>/.test(s.code);
const pythonHasOpenAI = spawnSync('python3', ['-c', 'import openai'], { stdio: 'ignore' }).status === 0;

describe('README snippets, run as written against the local runtime', () => {
  let gateway: GatewayProcess;
  let env: Record<string, string>;
  let all: Snippet[];
  let scratch: string;

  beforeAll(async () => {
    all = snippets(await readFile(join(REPO, 'README.md'), 'utf8'));
    gateway = await startGatewayProcess();
    const token = await gateway.token('dev-user', ['llm-users']);
    env = { ...gateway.env(), AIRLOCK_URL: gateway.apiBaseUrl.replace(/\/v1$/, ''), AIRLOCK_TOKEN: token, PATH: `${join(REPO, 'node_modules/.bin')}:${process.env.PATH ?? ''}` };
    // Inside the repository, so the snippets' imports resolve against its node_modules.
    scratch = await mkdtemp(join(REPO, 'test', '.readme-snippet-'));
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('starts with the two commands, npm ci && npm start and npm test', () => {
    const first = all.find((s) => s.lang === 'sh')!;

    expect(first.code).toMatch(/^npm ci && npm start\b/m);
    expect(first.code).toMatch(/^npm test\b/m);
  });

  it('shows masking in the quick start: the echo answer carries the markers, not the values', async () => {
    const quick = all.find((s) => s.lang === 'sh' && s.code.includes('/v1/chat/completions'))!;

    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', quick.code], { cwd: REPO, env });

    expect(stdout).toContain('[REDACTED:email]');
    expect(stdout).toContain('[REDACTED:payment_card]');
    expect(stdout).not.toContain('alice@example.com');
  });

  it('runs every shell snippet that talks to the gateway, each exiting 0', async () => {
    const shell = all.filter((s) => s.lang === 'sh' && talksToGateway(s));
    expect(shell.length).toBeGreaterThanOrEqual(3);

    for (const s of shell) {
      const result = await run('bash', ['-euo', 'pipefail', '-c', s.code], { cwd: REPO, env }).then(
        () => 'ok',
        (err: { stderr?: string; message: string }) => `README line ${s.line} failed: ${err.stderr || err.message}`,
      );
      expect(result).toBe('ok');
    }
  }, 120_000);

  it('runs every TypeScript snippet (official openai and @anthropic-ai/sdk clients) and prints the echo answer', async () => {
    const typescript = all.filter((s) => s.lang === 'ts' && talksToGateway(s));
    expect(typescript.map((s) => (s.code.includes('@anthropic-ai/sdk') ? 'anthropic' : 'openai')).sort()).toEqual(['anthropic', 'openai']);

    for (const [i, s] of typescript.entries()) {
      const file = join(scratch, `snippet-${i}.mts`);
      await writeFile(file, s.code);
      const { stdout } = await run(process.execPath, ['--import', 'tsx/esm', file], { cwd: REPO, env });
      expect([s.line, stdout]).toEqual([s.line, expect.stringMatching(/^Echo: Hello from/)]);
    }
  }, 60_000);

  (pythonHasOpenAI ? it : it.skip)('runs the Python snippet with the official openai package (skipped where python3 has no openai package)', async () => {
    const python = all.find((s) => s.lang === 'python')!;

    const { stdout } = await run('python3', ['-c', python.code], { cwd: REPO, env });

    expect(stdout).toMatch(/^Echo: Hello from Python/);
  });

  it('keeps the Python snippet self-contained: it imports what it uses and makes a call', () => {
    const python = all.find((s) => s.lang === 'python')!;

    expect(python.code).toMatch(/^import os$/m);
    expect(python.code).toMatch(/chat\.completions\.create\(/);
    // Syntax at least: python3 compiles it without running it.
    expect(spawnSync('python3', ['-c', `import ast,sys; ast.parse(sys.stdin.read())`], { input: python.code }).status).toBe(0);
  });

  it('points at no file outside the repository', async () => {
    const readme = await readFile(join(REPO, 'README.md'), 'utf8');

    expect(readme).not.toMatch(/\.\.\/(?!\.)/);
  });
});
