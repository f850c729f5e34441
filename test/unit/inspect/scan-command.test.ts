import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { scanCommand } from '../../../cli/commands/scan';
import { runScanCommand } from '../../support/scan-command-run';
import { fake } from './fixtures';

const run = runScanCommand;

describe('airlock scan', () => {
  const key = fake.awsKeyId();
  const dir = mkdtempSync(join(tmpdir(), 'airlock-scan-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints stdin with secrets and PII masked', async () => {
    const { code, out } = await run([], `key ${key}\nmail jane.doe@acme.io\n`);

    expect(code).toBe(0);
    expect(out).toBe('key [REDACTED:aws_access_key_id]\nmail [REDACTED:email]\n');
  });

  it('masks a secret that arrives split across two reads of stdin', async () => {
    const filler = 'Nothing to see in this line of the log.\n'.repeat(30_000);

    const { out, err } = await run([], [`${filler}key ${key.slice(0, 9)}`, `${key.slice(9)} end\n`]);

    expect(out).toBe(`${filler}key [REDACTED:aws_access_key_id] end\n`);
    expect(err).toBe('airlock scan: allow (risk 35; findings: aws_access_key_id 1)\n');
  });

  it('writes masked text while stdin is still open', async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const first = new Promise<string>((resolve) => stdout.once('data', (d: Buffer) => resolve(d.toString())));
    const done = scanCommand([], { stdin, stdout, stderr: new PassThrough() });

    stdin.write(`mail jane.doe@acme.io\n${'an ordinary line of text\n'.repeat(100)}`);
    const written = await first;
    stdin.end('the end\n');

    expect(written.startsWith('mail [REDACTED:email]\n')).toBe(true);
    expect(await done).toBe(0);
  });

  it('answers one JSON object per input line with id, masked text, findings and risk', async () => {
    const input = [JSON.stringify({ id: 'a', text: `key ${key}` }), JSON.stringify({ id: 7, text: 'DROP DATABASE prod;' })].join('\n') + '\n';

    const { code, out } = await run(['--jsonl'], input);

    const lines = out.trim().split('\n').map((l) => JSON.parse(l));
    expect(code).toBe(0);
    expect(lines[0]).toEqual({
      id: 'a',
      masked: 'key [REDACTED:aws_access_key_id]',
      findings: [{ type: 'aws_access_key_id', category: 'secret', start: 4, end: 24 }],
      risk: { score: 20, decision: 'allow', reasons: [expect.objectContaining({ id: 'secret.aws_access_key_id' })] },
      decision: 'allow',
      blocked_by: [],
    });
    expect(lines[1]).toMatchObject({ id: 7, masked: 'DROP DATABASE prod;', findings: [], risk: { decision: 'review' } });
  });

  it('gives identical output through the stream masker with --chunk-size', async () => {
    const input = [`token ${fake.githubPat()} for jane.doe@acme.io`, `postgres://app:pw-${fake.npm()}@db/x`, 'nothing here'].map((text, id) => JSON.stringify({ id, text })).join('\n');

    const whole = await run(['--jsonl'], input);
    const chunked = await run(['--jsonl', '--chunk-size', '3'], input);

    expect(chunked.out).toBe(whole.out);
  });

  it('reads the policy file given with --policy', async () => {
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, 'version: 1\naccess:\n  groups: [x]\ndefaults:\n  detectors:\n    email: "off"\n');

    const { out } = await run(['--policy', file], 'mail jane.doe@acme.io');

    expect(out).toBe('mail jane.doe@acme.io');
  });

  it('reports lines that are not JSON on stderr and exits 1', async () => {
    const { code, out, err } = await run(['--jsonl'], `not json\n${JSON.stringify({ id: 'ok', text: 'hi' })}\n`);

    expect(code).toBe(1);
    expect(err).toContain('line 1 is not valid JSON');
    expect(JSON.parse(out)).toMatchObject({ id: 'ok', masked: 'hi' });
  });

  describe('agrees with the gateway', () => {
    const file = join(dir, 'groups.yaml');
    writeFileSync(
      file,
      [
        'version: 1',
        'access:',
        '  groups: [staff, contractors]',
        'defaults:',
        '  detectors:',
        '    private_key: block',
        'groups:',
        '  contractors:',
        '    detectors:',
        '      secret: block',
      ].join('\n') + '\n',
    );

    it('reports block for a private key, with the detector that blocked it', async () => {
      const input = JSON.stringify({ id: 'k', text: fake.pemKey() }) + '\n';

      const { code, out } = await run(['--jsonl', '--policy', file], input);

      expect(code).toBe(0);
      expect(JSON.parse(out)).toMatchObject({ id: 'k', decision: 'block', blocked_by: ['private_key'] });
    });

    it("decides for the groups given: a contractor's secret is blocked, a staff member's masked", async () => {
      const input = JSON.stringify({ id: 's', text: `key ${key}` }) + '\n';

      const staff = await run(['--jsonl', '--policy', file], input);
      const contractor = await run(['--jsonl', '--policy', file, '--groups', 'contractors'], input);

      expect(JSON.parse(staff.out)).toMatchObject({ decision: 'allow', blocked_by: [] });
      expect(JSON.parse(contractor.out)).toMatchObject({ decision: 'block', blocked_by: ['aws_access_key_id'] });
    });

    it('prints a one-line risk summary on stderr in plain mode and exits 2 when the gateway would block', async () => {
      const blocked = await run(['--policy', file], fake.pemKey());
      const allowed = await run(['--policy', file], `key ${key}`);

      expect(blocked.code).toBe(2);
      expect(blocked.err).toMatch(/^airlock scan: block \(risk \d+; findings: private_key 1; blocked by private_key\)\n$/);
      expect(allowed.code).toBe(0);
      expect(allowed.err).toBe('airlock scan: allow (risk 20; findings: aws_access_key_id 1)\n');
    });
  });

  it('refuses a chunk size that is not a positive integer', async () => {
    await expect(run(['--chunk-size', '0'], 'x')).rejects.toThrow('--chunk-size must be a positive integer');
  });
});
