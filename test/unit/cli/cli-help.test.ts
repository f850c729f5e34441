import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const run = (args: string[]) =>
  promisify(execFile)(process.execPath, [join(REPO, 'cli/bin.mjs'), ...args], { cwd: REPO }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

describe('airlock command line', () => {
  it.each(['serve', 'token', 'wait'])('prints the usage of `%s --help` and exits 0 without running it', async (command) => {
    const { code, stdout } = await run([command, '--help']);

    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^usage: airlock ${command} `));
  });

  it('documents --ttl and --email of the token command', async () => {
    const { stdout } = await run(['token', '--help']);

    expect(stdout).toContain('--ttl SECONDS');
    expect(stdout).toContain('--email ADDRESS');
  });

  it('prints the package version for --version', async () => {
    const { code, stdout } = await run(['--version']);

    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^airlock \d+\.\d+\.\d+/);
  });

  it('answers an unknown flag with one clear line and a pointer to --help, exit 2', async () => {
    const { code, stderr } = await run(['token', '--sub', 'a', '--bogus']);

    expect(code).toBe(2);
    expect(stderr).toContain("airlock token: unknown option '--bogus'");
    expect(stderr).toContain('airlock token --help');
    expect(stderr).not.toMatch(/To specify a positional argument|at .*\.ts:\d+/);
  });
});
