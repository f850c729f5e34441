import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../lib/function-bundling';
import { policyFromObject } from '../../lambdas/inspect/policy';
import { parsePolicy } from '../../lambdas/inspect/policy-yaml';

interface SynthResult {
  status: number | null;
  stderr: string;
}

/** `npx cdk synth` as a user runs it: from the repo root, with no AWS credentials or network. */
function cdkSynth(outdir: string, ...context: string[]): Promise<SynthResult> {
  const env: Record<string, string> = { PATH: `${join(PROJECT_ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`, HOME: outdir, AWS_EC2_METADATA_DISABLED: 'true' };
  const args = ['synth', '--quiet', '--no-notices', '--no-version-reporting', '-o', outdir, ...context.flatMap((c) => ['-c', c])];
  return new Promise((resolve, reject) => {
    const child = spawn(join(PROJECT_ROOT, 'node_modules', '.bin', 'cdk'), args, { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

describe('cdk synth', () => {
  let dir: string;
  let outdir: string;
  let brokenPolicy: string;
  let result: SynthResult;
  let withBrokenPolicy: SynthResult;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'airlock-synth-'));
    outdir = join(dir, 'out');
    brokenPolicy = join(dir, 'broken.policy.yaml');
    writeFileSync(brokenPolicy, 'version: 2\naccess:\n  groups: [llm-users]\n');
    // Both runs at once: the failing one ends before bundling starts.
    [result, withBrokenPolicy] = await Promise.all([cdkSynth(outdir), cdkSynth(join(dir, 'broken-out'), `airlock:policyFile=${brokenPolicy}`)]);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('succeeds from the repo root without credentials, cdk-nag included', () => {
    expect(result.stderr).not.toMatch(/AwsSolutions-/);
    expect(result.status).toBe(0);
    expect(existsSync(join(outdir, 'airlock-dev-stateful.template.json'))).toBe(true);
    expect(existsSync(join(outdir, 'airlock-dev-stateless.template.json'))).toBe(true);
  });

  it('bundles each function as ESM with the validated policy next to it, as JSON', () => {
    const assets = readdirSync(outdir).filter((f) => f.startsWith('asset.'));

    // proxy, MCP gateway, authorizer, session sweep, and the approval workflow's notify, invoke-upstream, record-outcome, page and decide
    expect(assets).toHaveLength(9);
    for (const asset of assets) {
      expect(readdirSync(join(outdir, asset)).sort()).toEqual(['airlock.policy.json', 'index.mjs', 'index.mjs.map']);
      // The YAML travels as JSON (no YAML parser in the bundle) and is the same policy.
      const bundled = policyFromObject(JSON.parse(readFileSync(join(outdir, asset, 'airlock.policy.json'), 'utf8')));
      expect(bundled).toEqual(parsePolicy(readFileSync(join(PROJECT_ROOT, 'airlock.policy.yaml'), 'utf8')));
      expect(readFileSync(join(outdir, asset, 'index.mjs'), 'utf8')).toMatch(/^import\{createRequire as __airlockCreateRequire\}from'node:module'/);
    }
  });

  it('fails on an invalid policy, naming the file and the reason', () => {
    expect(withBrokenPolicy.status).not.toBe(0);
    expect(withBrokenPolicy.stderr).toContain(`invalid policy ${brokenPolicy}: version:`);
  });
});
