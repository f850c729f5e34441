import { createInspector, policyFromObject, type Inspector } from '../lambdas/inspect';
import { seededRandom } from '../test/support/prng';
import { realisticText } from './realistic-text';
import { percentile, round, type Figure } from './stats';

/**
 * Inspection engine figures: the p99 of mask + score over a realistic 8 KB chat prompt, masking
 * throughput over 1 MB of realistic text (realistic-text.ts), and the most characters the stream masker ever
 * holds back over a realistic token-by-token stream (no PEM blocks in it).
 * Targets: < 0.2 ms, > 100 MB/s, < 256 characters.
 */

const PROSE = [
  'The deployment failed again last night, and I think the retry logic in the worker is the reason.',
  'Could you review this function and suggest how to make the error handling clearer for new contributors?',
  'We moved the session cache to a separate table so that the hot path no longer scans old records.',
  'Please summarise the following incident notes for the weekly report, keeping the timeline intact.',
  'The customer asked whether the export can include the last 90 days instead of the last 30 days.',
  'Our token budget per request is small, so keep the answer short and focus on the key changes.',
  'I rewrote the parser to stream its input, which keeps memory flat even for very large uploads.',
  'Version 2.4.1 fixed the regression reported on 2024-03-18; the patch touched three modules.',
];

const CODE = [
  'export async function loadUser(id: string): Promise<User | null> {\n  const row = await db.query("SELECT * FROM users WHERE id = $1", [id]);\n  return row ? toUser(row) : null;\n}\n',
  'const config = {\n  region: process.env.AWS_REGION ?? "eu-west-1",\n  timeoutMs: 30_000,\n  retries: 3,\n  tableName: "sessions",\n};\n',
  'for (const [key, value] of Object.entries(headers)) {\n  if (key.toLowerCase() === "authorization") continue;\n  out.set(key, value);\n}\n',
  'def parse_args(argv):\n    parser = argparse.ArgumentParser(description="sync tool")\n    parser.add_argument("--token-file", default="~/.config/sync/token")\n    return parser.parse_args(argv)\n',
  'resource "aws_s3_bucket" "transcripts" {\n  bucket = "airlock-transcripts-${var.stage}"\n  tags   = { owner = "platform", cost_center = "4711" }\n}\n',
  'if (password.length < 12) {\n  throw new ValidationError("password must be at least 12 characters");\n}\nconst hash = await argon2.hash(password);\n',
  'SELECT o.id, o.total, c.name FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.created_at > now() - interval \'7 days\';\n',
  '2024-05-02T10:15:32.120Z INFO request_id=7f3c2a1e-9b4d-4e8f-a2c1-5d6e7f8a9b0c status=200 duration_ms=41 path=/v1/chat/completions\n',
  'import { useEffect, useState } from "react";\nexport function useTheme() {\n  const [theme, setTheme] = useState("light");\n  useEffect(() => document.body.classList.toggle("dark", theme === "dark"), [theme]);\n  return [theme, setTheme] as const;\n}\n',
];

/** Values a real prompt sometimes carries, built at run time so the repository holds no such strings. */
export function sensitive(rand: () => number): string {
  const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const pick = (n: number, set = alnum) => Array.from({ length: n }, () => set[Math.floor(rand() * set.length)]).join('');
  const choices = [
    () => `export AWS_ACCESS_KEY_ID=${'AKIA'}${pick(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}\n`,
    () => `Reach me at ${pick(6).toLowerCase()}.${pick(5).toLowerCase()}@example-corp.com if the build breaks again.\n`,
    () => `const client = new Octokit({ auth: "${'ghp_'}${pick(36)}" });\n`,
    () => `DATABASE_URL=postgres://app:${pick(14)}@db.internal:5432/main\n`,
  ];
  return choices[Math.floor(rand() * choices.length)]!();
}

/** Mixed code, prose and logs, with a sensitive value every few kilobytes. */
export function mixedText(bytes: number, seed = 7): string {
  const rand = seededRandom(seed);
  let text = '';
  let sinceSensitive = 0;
  while (text.length < bytes) {
    const r = rand();
    const part = r < 0.45 ? `${PROSE[Math.floor(rand() * PROSE.length)]!} ` : CODE[Math.floor(rand() * CODE.length)]!;
    text += part;
    sinceSensitive += part.length;
    if (sinceSensitive > 3000) {
      text += sensitive(rand);
      sinceSensitive = 0;
    }
  }
  return text.slice(0, bytes);
}

/** A chat request as the gateway sees it: parsed from its JSON body. */
function chatPrompt(bytes: number): unknown {
  const body = {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'You are a careful senior engineer. Answer concisely.' },
      { role: 'user', content: mixedText(bytes - 200, 11) },
    ],
  };
  return JSON.parse(JSON.stringify(body));
}

function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

function inspectSamples(inspector: Inspector): number[] {
  const body = chatPrompt(8 * 1024);
  for (let i = 0; i < 3000; i++) inspector.inspectChat(body, 'openai');
  const samples: number[] = [];
  for (let i = 0; i < 3000; i++) samples.push(time(() => inspector.inspectChat(body, 'openai')));
  return samples;
}

function throughput(inspector: Inspector): number {
  const text = realisticText(1024 * 1024);
  for (let i = 0; i < 3; i++) inspector.maskText(text);
  const samples: number[] = [];
  for (let i = 0; i < 15; i++) samples.push(time(() => inspector.maskText(text)));
  return text.length / 1e6 / (percentile(samples, 50) / 1000);
}

/** Feeds a realistic answer in token-sized chunks (2–8 characters) and records the most ever held. */
function maxHoldBack(inspector: Inspector): number {
  const text = mixedText(64 * 1024, 13);
  const rand = seededRandom(3);
  const masker = inspector.streamMasker();
  let max = 0;
  for (let i = 0; i < text.length; ) {
    const n = 2 + Math.floor(rand() * 7);
    masker.push(text.slice(i, i + n));
    i += n;
    max = Math.max(max, masker.held ?? 0);
  }
  masker.end();
  return max;
}

export async function runInspectBench(): Promise<Figure[]> {
  const policy = policyFromObject({ version: 1, access: { groups: ['llm-users'] } });
  const inspector = createInspector(policy.defaults);
  const samples = inspectSamples(inspector);
  return [
    { name: 'inspect_8kb_p99_ms', value: round(percentile(samples, 99), 4), unit: 'ms', p50: round(percentile(samples, 50), 4) },
    { name: 'mask_throughput_mb_s', value: round(throughput(inspector), 1), unit: 'MB/s' },
    { name: 'stream_holdback_max_chars', value: maxHoldBack(inspector), unit: 'chars' },
  ];
}
