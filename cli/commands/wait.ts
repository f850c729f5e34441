import { parseFlags, UsageError } from '../args';

/**
 * `airlock wait ID`: blocks until a held request is decided and answered, then prints the answer
 * (or the decision). For CI jobs: the exit code says what happened.
 */
export const WAIT_EXIT = { completed: 0, denied: 3, expired: 4, failed: 5, timedOut: 6 } as const;

const SETTLED = new Set(['completed', 'denied', 'expired', 'failed']);
const LONG_POLL_SECONDS = 25;

export interface WaitIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  env: Record<string, string | undefined>;
  fetch?: typeof fetch;
}

interface RequestStatus {
  id: string;
  status: string;
  approvers_group?: string;
  decide_by?: string;
  decision?: { decision: string; approver: string; reason: string | null; decided_at: string } | null;
  completion?: unknown;
  error?: { code: string } | null;
}

export async function waitCommand(argv: string[], io: WaitIo = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    url: { type: 'string' },
    token: { type: 'string' },
    timeout: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  const id = positionals[0];
  if (!id || positionals.length > 1) throw new UsageError('usage: airlock wait ID [--url BASE_URL] [--token TOKEN] [--timeout SECONDS] [--json]');
  const base = (values.url ?? io.env.AIRLOCK_URL ?? `http://127.0.0.1:${io.env.AIRLOCK_PORT ?? '8787'}`).replace(/\/+$/, '').replace(/\/v1$/, '');
  const token = values.token ?? io.env.AIRLOCK_TOKEN;
  if (!token) throw new UsageError('a bearer token is needed: --token TOKEN or AIRLOCK_TOKEN');
  const timeoutSeconds = values.timeout === undefined ? Infinity : Number(values.timeout);
  if (!(timeoutSeconds > 0)) throw new UsageError('--timeout must be a positive number of seconds');

  const fetchFn = io.fetch ?? fetch;
  const deadline = Date.now() + timeoutSeconds * 1000;
  const url = `${base}/v1/airlock/requests/${encodeURIComponent(id)}`;
  let announced = false;
  for (;;) {
    const wait = Math.max(1, Math.min(LONG_POLL_SECONDS, Math.ceil((deadline - Date.now()) / 1000)));
    const response = await fetchFn(url, { headers: { authorization: `Bearer ${token}`, 'x-airlock-wait': String(wait) } });
    const body = (await response.json().catch(() => null)) as (RequestStatus & { error?: { message?: string; code?: string } }) | null;
    if (!response.ok || !body || typeof body.status !== 'string') {
      throw new Error(`the gateway answered ${response.status}${body?.error?.message ? `: ${body.error.message}` : ''}`);
    }
    if (SETTLED.has(body.status)) return report(body, values.json, io);
    if (!announced) {
      io.stderr.write(`Waiting for a member of '${body.approvers_group ?? 'approvers'}' to decide on request ${id} (until ${body.decide_by ?? '?'})…\n`);
      announced = true;
    }
    if (Date.now() >= deadline) {
      io.stderr.write(`Still ${body.status} after ${timeoutSeconds} s; stopped waiting.\n`);
      return WAIT_EXIT.timedOut;
    }
  }
}

function report(status: RequestStatus, json: boolean, io: WaitIo): number {
  const d = status.decision;
  const decidedBy = d ? ` by ${d.approver} at ${d.decided_at}${d.reason ? ` (reason: ${d.reason})` : ''}` : '';
  if (json) io.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
  switch (status.status) {
    case 'completed':
      io.stderr.write(`Approved${decidedBy}.\n`);
      if (!json) io.stdout.write(`${answerText(status.completion)}\n`);
      return WAIT_EXIT.completed;
    case 'denied':
      io.stderr.write(`Denied${decidedBy}.\n`);
      return WAIT_EXIT.denied;
    case 'expired':
      io.stderr.write(`Expired: nobody decided before ${status.decide_by ?? 'the deadline'}.\n`);
      return WAIT_EXIT.expired;
    default:
      io.stderr.write(`Approved${decidedBy}, but the call failed (${status.error?.code ?? 'failed'}).\n`);
      return WAIT_EXIT.failed;
  }
}

/** The answer's text (OpenAI choices or Anthropic content blocks); the JSON when it has none. */
function answerText(completion: unknown): string {
  const c = (completion ?? {}) as { choices?: Array<{ message?: { content?: unknown } }>; content?: Array<{ type?: string; text?: unknown }> };
  const texts = [
    ...(c.choices ?? []).map((choice) => choice.message?.content).filter((t): t is string => typeof t === 'string'),
    ...(Array.isArray(c.content) ? c.content.filter((b) => b.type === 'text').map((b) => b.text) : []).filter((t): t is string => typeof t === 'string'),
  ];
  return texts.length ? texts.join('\n') : JSON.stringify(completion, null, 2);
}
