import { existsSync, readFileSync } from 'node:fs';
import {
  createInspector,
  parsePolicy,
  policyFromObject,
  resolveGroupPolicy,
  type Decision,
  type GroupPolicy,
  type Inspector,
  type RiskAssessment,
} from '../../lambdas/inspect';
import { parseFlags, UsageError } from '../args';

interface ScanIO {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
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
  const inspector = createInspector(loadGroupPolicy(values.policy, values.groups));
  const mask = (text: string) => (chunkSize ? maskInChunks(inspector, text, chunkSize) : inspector.maskText(text));

  if (!values.jsonl) {
    const text = await readAll(io.stdin);
    await write(io.stdout, mask(text).masked);
    const verdict = gatewayVerdict(inspector, text);
    io.stderr.write(`${summaryLine(verdict)}\n`);
    return verdict.decision === 'block' ? EXIT_BLOCKED : 0;
  }

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
    const { masked, findings } = mask(input.text);
    const { risk, decision, blockedBy } = gatewayVerdict(inspector, input.text);
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

interface Verdict {
  risk: RiskAssessment;
  decision: Decision;
  blockedBy: string[];
  findingCounts: Record<string, number>;
}

/** What the gateway would decide for this text sent as a user prompt: the same inspection, the same rule. */
function gatewayVerdict(inspector: Inspector, text: string): Verdict {
  const inspection = inspector.inspectChat({ messages: [{ role: 'user', content: text }] }, 'openai');
  const decision: Decision = inspection.blockedBy.length ? 'block' : inspection.risk.decision;
  return { risk: inspection.risk, decision, blockedBy: inspection.blockedBy, findingCounts: inspection.findingCounts };
}

function summaryLine(v: Verdict): string {
  const counts = Object.entries(v.findingCounts).map(([type, n]) => `${type} ${n}`).join(', ');
  const blocked = v.blockedBy.length ? `; blocked by ${v.blockedBy.join(', ')}` : '';
  return `airlock scan: ${v.decision} (risk ${v.risk.score}; findings: ${counts || 'none'}${blocked})`;
}

function loadGroupPolicy(file: string | undefined, groups: string | undefined): GroupPolicy {
  const path = file ?? 'airlock.policy.yaml';
  if (!file && !existsSync(path)) return policyFromObject({ version: 1, access: { groups: ['*'] } }).defaults;
  const policy = parsePolicy(readFileSync(path, 'utf8'), path);
  const first = policy.access.groups.find((g) => g !== '*');
  if (!groups && !first) return policy.defaults;
  const names = (groups ?? first!).split(',').map((g) => g.trim()).filter(Boolean);
  const resolved = resolveGroupPolicy({ ...policy, access: { groups: [...policy.access.groups, ...names] } }, names);
  return resolved ?? policy.defaults;
}

function maskInChunks(inspector: Inspector, text: string, size: number) {
  const masker = inspector.streamMasker();
  let masked = '';
  for (let i = 0; i < text.length; i += size) masked += masker.push(text.slice(i, i + size));
  masked += masker.end();
  return { masked, findings: [...masker.findings] };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  stream.setEncoding('utf8');
  for await (const chunk of stream) text += chunk as string;
  return text;
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
  return new Promise((resolve, reject) => {
    if (stream.write(text)) resolve();
    else stream.once('drain', resolve).once('error', reject);
  });
}
