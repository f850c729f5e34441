import { existsSync } from 'node:fs';
import { builtInGroupPolicy } from '../../lambdas/inspect/group-policy';
import { createInspector } from '../../lambdas/inspect/inspector';
import { verdictOf } from '../../lambdas/inspect/prompt-scan';
import type { GroupPolicy } from '../../lambdas/inspect/policy';
import type { Inspector, PromptScan, PromptVerdict } from '../../lambdas/inspect/types';
import { parseFlags, UsageError } from '../args';
import { ScanRisk } from './scan-risk';

interface ScanIO {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** The risk rules' worker script, when the CLI runs from its bundle (see ScanRisk). */
  riskWorker?: URL;
}

const USAGE = `usage: airlock scan [--jsonl] [--chunk-size N] [--policy FILE] [--groups a,b]
  reads text on stdin and prints it with secrets and PII masked, as the gateway would mask a prompt
  --jsonl          one {"id","text"} object per input line → one {"id","masked","findings","risk","decision","blocked_by"}
                   per output line; "decision" is what the gateway would do with that text as a prompt (allow, review, block)
  --chunk-size N   run every text through the stream masker in N-character chunks (same output)
  --policy FILE    policy file (default: airlock.policy.yaml in the current directory, else built-in defaults)
  --groups a,b     decide as for a caller in these groups (default: the policy's first access group)
  plain mode prints one line on stderr: the decision, the risk score and the finding counts
exit status: 0 the text would be allowed or sent to review; 2 it would be blocked (plain mode only; in --jsonl
  mode each line carries its decision); 1 a usage error or an input line that is not a {"text"} object
`;

/** Exit status of plain mode when the gateway would block the text. */
const EXIT_BLOCKED = 2;

/** `airlock scan`: the inspection engine on stdin. Returns the exit code. */
export async function scanCommand(argv: string[], io: ScanIO): Promise<number> {
  const { values } = parseFlags(argv, {
    jsonl: { type: 'boolean', default: false },
    'chunk-size': { type: 'string' },
    policy: { type: 'string' },
    groups: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const chunkSize = values['chunk-size'] === undefined ? undefined : Number(values['chunk-size']);
  if (chunkSize !== undefined && (!Number.isInteger(chunkSize) || chunkSize < 1)) throw new UsageError('--chunk-size must be a positive integer');
  const groupPolicy = await loadGroupPolicy(values.policy, values.groups);
  const inspector = createInspector(groupPolicy);

  if (!values.jsonl) {
    // Streamed: output starts at once and memory stays flat whatever the input's size; the verdict
    // comes from the findings the masking made and the risk rules, which read the same chunks.
    const masker = inspector.streamMasker();
    const risk = new ScanRisk(groupPolicy.risk, io.riskWorker);
    const push = async (text: string) => {
      await risk.push(text);
      await write(io.stdout, masker.push(text));
    };
    io.stdin.setEncoding('utf8');
    for await (const chunk of io.stdin) {
      const text = chunk as string;
      if (!chunkSize) await push(text);
      else for (let i = 0; i < text.length; i += chunkSize) await push(text.slice(i, i + chunkSize));
    }
    await write(io.stdout, masker.end());
    const verdict = verdictOf(masker.findings, await risk.assess(masker.findings));
    io.stderr.write(`${summaryLine(verdict)}\n`);
    return verdict.decision === 'block' ? EXIT_BLOCKED : 0;
  }

  const scan = (text: string): PromptScan => (chunkSize ? scanInChunks(inspector, text, chunkSize) : inspector.scanPrompt(text));
  let failures = 0;
  let lineNo = 0;
  for await (const line of lines(io.stdin)) {
    lineNo++;
    if (line.trim() === '') continue;
    let input: { id?: unknown; text?: unknown };
    try {
      input = JSON.parse(line) as typeof input;
    } catch {
      failures++;
      io.stderr.write(`airlock scan: line ${lineNo} is not valid JSON\n`);
      continue;
    }
    if (typeof input?.text !== 'string') {
      failures++;
      io.stderr.write(`airlock scan: line ${lineNo} has no "text" string\n`);
      continue;
    }
    const { masked, findings, verdict } = scan(input.text);
    const { risk, decision, blockedBy } = verdict;
    const out = {
      id: input.id ?? null,
      masked,
      findings: findings.map(({ type, category, start, end }) => ({ type, category, start, end })),
      risk: { score: risk.score, decision: risk.decision, reasons: risk.reasons },
      decision,
      blocked_by: blockedBy,
    };
    await write(io.stdout, `${JSON.stringify(out)}\n`);
  }
  return failures ? 1 : 0;
}

function summaryLine(v: PromptVerdict): string {
  const counts = Object.entries(v.findingCounts).map(([type, n]) => `${type} ${n}`).join(', ');
  const blocked = v.blockedBy.length ? `; blocked by ${v.blockedBy.join(', ')}` : '';
  return `airlock scan: ${v.decision} (risk ${v.risk.score}; findings: ${counts || 'none'}${blocked})`;
}

/** The policy file's group policy; without one, the built-in defaults (then no policy parser is loaded). */
async function loadGroupPolicy(file: string | undefined, groups: string | undefined): Promise<GroupPolicy> {
  if (!file && !existsSync('airlock.policy.yaml')) return builtInGroupPolicy();
  const { policyFileGroupPolicy } = await import('./scan-policy');
  return policyFileGroupPolicy(file ?? 'airlock.policy.yaml', groups);
}

function scanInChunks(inspector: Inspector, text: string, size: number): PromptScan {
  const scanner = inspector.promptScanner();
  let masked = '';
  for (let i = 0; i < text.length; i += size) masked += scanner.push(text.slice(i, i + size));
  masked += scanner.end();
  return { masked, findings: [...scanner.findings], verdict: scanner.verdict() };
}

async function* lines(stream: NodeJS.ReadableStream): AsyncGenerator<string> {
  let rest = '';
  stream.setEncoding('utf8');
  for await (const chunk of stream) {
    rest += chunk as string;
    let nl = rest.indexOf('\n');
    while (nl >= 0) {
      yield rest.slice(0, nl).replace(/\r$/, '');
      rest = rest.slice(nl + 1);
      nl = rest.indexOf('\n');
    }
  }
  if (rest) yield rest;
}

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (text === '') return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (stream.write(text)) resolve();
    else stream.once('drain', resolve).once('error', reject);
  });
}
