import fc from 'fast-check';
import { createInspector } from '../../../lambdas/inspect';
import { DETECTORS } from '../../../lambdas/inspect/detectors/registry';
import { chars, fake, HEX, inspector, p, policy, streamMask } from './fixtures';

const ins = inspector({ custom: { patterns: [{ type: 'customer_id', pattern: 'CUST-[0-9]{8}', max_length: 13 }], words: [{ type: 'codename', words: ['bluebird'] }] } });

const secrets = [fake.awsKeyId(), fake.githubPat(), fake.slackBot(), fake.stripeLive(), fake.openai(), fake.jwt(), fake.gcpApiKey(), fake.vault()];
const fragments = [
  ...secrets,
  ...secrets.map((s) => `api_key = "${s}"`),
  `password: "${chars(12)}"`,
  `client_secret=${chars(32)}`,
  'jane.doe@acme.io',
  'call +44 20 7946 0958',
  'card 4111 1111 1111 1111',
  'SSN 123-45-6789',
  'DE89 3704 0044 0532 0130 00',
  'CUST-00412345',
  'Bluebird',
  'postgres://app:s3cr3t-pw@db:5432/x',
  'Authorization: Bearer abcdef0123456789abcdef',
  '[REDACTED:email]',
  '[REDACTED:generic_secret]=',
  '<EMAIL_1>',
  fake.pemKey(),
  p('v1', '.0-') + chars(24, HEX) + '-' + chars(146, HEX),
  `token: "${chars(300)}"`,
  'secret = "two words here"',
  'git@github.com:acme/app.git',
  `the admin login is admin / ${chars(6)}^${chars(5)}9 `,
  `password ${chars(8)}!7 `,
  'login ', 'password is ',
  'mailto:jane.doe@acme.io ',
  `https://${fake.githubPat()}@github.com/x `,
  `redis://default:${chars(5)}@${chars(9)}@cache.internal:6379 `,
  'https://x.example/?to=jane.doe%40acme.io ',
  `SENDGRID_TOKEN=${chars(150, HEX)}\\nNEXT=1`,
  `<authToken>${chars(120)}</authToken>`,
  '-----BEGIN CERTIFICATE-----\nMIIB\n',
  'const key = config.key;',
  'The deployment failed because the token expired. ',
  'SELECT * FROM users WHERE id = 42;\n',
  'ghp_', 'AKIA', 'xoxb-', '@', '://', '-----BEGIN', 'token', 'password', ' ', '\n', '"', '=',
];

const text = fc
  .array(fc.oneof(fc.constantFrom(...fragments), fc.string({ maxLength: 12 }), fc.stringMatching(/^[A-Za-z0-9_\-=:"' ]{0,40}$/)), { maxLength: 30 })
  .map((parts) => parts.join(''));

/** Cuts a text at the given positions (sorted, deduplicated). */
function cut(t: string, positions: number[]): string[] {
  const points = [...new Set(positions.map((p) => p % (t.length + 1)))].sort((a, b) => a - b);
  const chunks: string[] = [];
  let last = 0;
  for (const p of points) {
    chunks.push(t.slice(last, p));
    last = p;
  }
  chunks.push(t.slice(last));
  return chunks;
}

describe('stream masker', () => {
  it('masks a key split across two chunks', () => {
    const key = fake.awsKeyId();
    const whole = `export AWS_ACCESS_KEY_ID=${key}\n`;
    const at = whole.indexOf(key) + 9;

    const out = streamMask(ins, [whole.slice(0, at), whole.slice(at)]);

    expect(out).toBe('export AWS_ACCESS_KEY_ID=[REDACTED:aws_access_key_id]\n');
  });

  it('masks a long unquoted value pushed one character at a time', () => {
    const value = chars(140, HEX);
    const whole = `{"config.ini": "API_TOKEN=${value}\\nBACKUP=true"}`;

    const out = streamMask(ins, [...whole]);

    expect(out).toBe(ins.maskText(whole).masked);
    expect(out).not.toContain(value.slice(0, 12));
  });

  it('masks a key pushed one character at a time', () => {
    const key = fake.githubPat();
    const whole = `token ${key} end`;

    const out = streamMask(ins, [...whole]);

    expect(out).toBe('token [REDACTED:github_token] end');
  });

  it('emits ordinary text before the stream ends, holding back only a short tail', () => {
    const m = ins.streamMasker();
    const prose = 'The deployment failed again last night, and the retry logic looks wrong. '.repeat(20);

    const early = m.push(prose);

    expect(early.length).toBeGreaterThan(prose.length - 256);
    expect(early + m.end()).toBe(prose);
  });

  it('holds a PEM block until its END line, then masks it whole', () => {
    const pem = fake.pemKey();
    const m = ins.streamMasker();

    const during = m.push(`key:\n${pem.slice(0, 200)}`) + m.push(pem.slice(200, 300));
    const after = m.push(pem.slice(300)) + m.push('\nthanks') + m.end();

    expect(during).toBe('key:');
    expect(after).toBe('\n[REDACTED:private_key]\nthanks');
  });

  it('reports findings with offsets in the whole stream', () => {
    const m = ins.streamMasker();
    const first = 'x'.repeat(300);
    m.push(first);
    m.push(' mail jane.doe@acme.io');
    m.end();

    expect(m.findings).toEqual([{ type: 'email', category: 'pii', start: 306, end: 322, action: 'mask' }]);
  });

  it('gives the same output as whole-text masking for any text and any chunking', () => {
    fc.assert(
      fc.property(text, fc.array(fc.nat(), { maxLength: 12 }), (t, positions) => {
        const whole = ins.maskText(t);
        const m = ins.streamMasker();
        const out = cut(t, positions).map((c) => m.push(c)).join('') + m.end();
        expect(out).toBe(whole.masked);
        expect(m.findings).toEqual(whole.findings);
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 400) },
    );
  });

  it('never holds back 256 characters or more outside PEM blocks and long tokens', () => {
    const noOpenTokens = text.filter((t) => !/-----BEGIN|eyJ|bearer|token|basic|digest|apikey|api-key|sso-key|splunk|xox|ABSK|bedrock-api-key|hvs\.|ops_|v1\.0-/i.test(t));
    fc.assert(
      fc.property(fc.array(noOpenTokens, { minLength: 1, maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1 }), (parts, sizes) => {
        const t = parts.join(' ');
        const m = ins.streamMasker();
        let i = 0;
        let k = 0;
        while (i < t.length) {
          const n = sizes[k++ % sizes.length]!;
          m.push(t.slice(i, i + n));
          i += n;
          expect(m.held).toBeLessThan(256);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('is idempotent: masking masked text changes nothing', () => {
    fc.assert(
      fc.property(text, (t) => {
        const once = ins.maskText(t).masked;
        expect(ins.maskText(once)).toEqual({ masked: once, findings: [] });
      }),
      { numRuns: 400 },
    );
  });

  it('does work linear in the stream length, even one character at a time', () => {
    // Work counted, not timed (CPU time on a shared machine is noise): detector calls. A masker
    // that rescanned what it already emitted would call detectors quadratically often here.
    let calls = 0;
    const counted = Object.fromEntries(
      Object.entries(DETECTORS).map(([key, d]) => [key, { ...d, detect: (t: string, at: number) => (calls++, d.detect(t, at)) }]),
    );
    const counting = createInspector(policy({}), { detectors: counted });
    const unit = `${'The deployment failed because the token expired. const key = config.key; '.repeat(4)}mail jane.doe@acme.io\n`;
    const work = (copies: number) => {
      calls = 0;
      const m = counting.streamMasker();
      for (const c of unit.repeat(copies)) m.push(c);
      m.end();
      return calls;
    };
    const small = work(100);
    const large = work(400);

    expect(small).toBeGreaterThan(100);
    expect(large / small).toBeGreaterThan(3.5);
    expect(large / small).toBeLessThan(4.5);
  });
});
