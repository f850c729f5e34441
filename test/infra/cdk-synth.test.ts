import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../lib/function-bundling';

/** `npx cdk synth` as a user runs it: from the repo root, with no AWS credentials or network. */
function cdkSynth(outdir: string, ...context: string[]) {
  const env: Record<string, string> = { PATH: `${join(PROJECT_ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`, HOME: outdir, AWS_EC2_METADATA_DISABLED: 'true' };
  const args = ['synth', '--quiet', '--no-notices', '--no-version-reporting', '-o', outdir, ...context.flatMap((c) => ['-c', c])];
  return spawnSync(join(PROJECT_ROOT, 'node_modules', '.bin', 'cdk'), args, { cwd: PROJECT_ROOT, env, encoding: 'utf8', timeout: 120_000 });
}

describe('cdk synth', () => {
  let outdir: string;
  let result: ReturnType<typeof cdkSynth>;
  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'airlock-synth-'));
    result = cdkSynth(outdir);
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('succeeds from the repo root without credentials, cdk-nag included', () => {
    expect(result.stderr).not.toMatch(/AwsSolutions-/);
    expect(result.status).toBe(0);
    expect(existsSync(join(outdir, 'airlock-dev-stateful.template.json'))).toBe(true);
    expect(existsSync(join(outdir, 'airlock-dev-stateless.template.json'))).toBe(true);
  });

  it('bundles each function as ESM with the validated policy next to it', () => {
    const assets = readdirSync(outdir).filter((f) => f.startsWith('asset.'));

    expect(assets).toHaveLength(2);
    for (const asset of assets) {
      expect(readdirSync(join(outdir, asset)).sort()).toEqual(['airlock.policy.yaml', 'index.mjs', 'index.mjs.map']);
      expect(readFileSync(join(outdir, asset, 'airlock.policy.yaml'), 'utf8')).toBe(readFileSync(join(PROJECT_ROOT, 'airlock.policy.yaml'), 'utf8'));
      expect(readFileSync(join(outdir, asset, 'index.mjs'), 'utf8')).toMatch(/^import\{createRequire as __airlockCreateRequire\}from'node:module'/);
    }
  });

  it('fails on an invalid policy, naming the file and the reason', () => {
    const dir = mkdtempSync(join(tmpdir(), 'airlock-bad-policy-'));
    const policy = join(dir, 'broken.policy.yaml');
    writeFileSync(policy, 'version: 2\naccess:\n  groups: [llm-users]\n');
    try {
      const failed = cdkSynth(join(dir, 'out'), `airlock:policyFile=${policy}`);

      expect(failed.status).not.toBe(0);
      expect(failed.stderr).toContain(`invalid policy ${policy}: version:`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
