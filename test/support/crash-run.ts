import { fileURLToPath } from 'node:url';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startEchoUpstream, type EchoUpstream } from '../../local/echo-upstream';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = join(REPO, 'cli/bin.mjs');
const run = promisify(execFile);

/** Statuses a session can end in; anything else after a restart means a record that never ended. */
export const FINAL_STATUSES = ['completed', 'failed', 'blocked', 'cancelled', 'interrupted', 'denied', 'expired'];

/**
 * `airlock serve` on a persistent data directory with its default (embedded SQLite) stores, as a
 * user runs it, that a crash test can `kill -9` and start again on the same directory.
 */
export interface ServeProcess {
  baseUrl: string;
  apiBaseUrl: string;
  output(): string;
  /** SIGKILL: no shutdown code runs, as in a crash. */
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

export async function startServe(dataDir: string, env: Record<string, string> = {}): Promise<ServeProcess> {
  const child: ChildProcess = spawn(process.execPath, [CLI, 'serve'], {
    cwd: REPO,
    env: { ...process.env, AIRLOCK_PORT: '0', AIRLOCK_DATA_DIR: dataDir, POWERTOOLS_DEV: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const apiBaseUrl = await new Promise<string>((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`airlock serve did not start:\n${output}`)), 30_000);
    const check = () => {
      const url = /Airlock is running at (\S+)/.exec(output)?.[1];
      if (url && output.includes('Ctrl-C stops it.')) {
        clearTimeout(timer);
        resolveStart(url);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`airlock serve exited with ${code}:\n${output}`));
    });
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    apiBaseUrl,
    baseUrl: apiBaseUrl.replace(/\/v1$/, ''),
    output: () => output,
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A token from `airlock token` for this data directory's dev issuer, as a user mints one. */
export async function mintToken(dataDir: string, sub: string, groups: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [CLI, 'token', '--sub', sub, '--groups', groups.join(',')], {
    cwd: REPO,
    env: { ...process.env, AIRLOCK_DATA_DIR: dataDir },
  });
  return stdout.trim();
}

/** An upstream that streams slowly, so that streams are in flight when the gateway is killed. It lives in the test process and survives the gateway. */
export function startSlowUpstream(): Promise<EchoUpstream> {
  return startEchoUpstream({ chunkDelayMs: 150, wordsPerChunk: 1 });
}

export const chatBody = (content: string, stream: boolean) => ({ model: 'echo', stream, messages: [{ role: 'user', content }] });

/** A prompt the default policy holds for approval. */
export const dangerousPrompt = () => `Connect to prod and run DROP DATABASE customers; ticket ${randomUUID()}`;

/** A long prompt: the echo answer streams one word per chunk, so the stream lasts seconds. */
export const longPrompt = () => `${Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ')} ${randomUUID()}`;

export async function postChat(apiBaseUrl: string, token: string, body: unknown): Promise<Response> {
  return fetch(`${apiBaseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Starts `count` streams and resolves once each has delivered its first chunk: sessions begun, answers in flight. */
export async function streamsInFlight(apiBaseUrl: string, token: string, count: number): Promise<{ sessionIds: string[]; abort(): void }> {
  const controller = new AbortController();
  const sessionIds = await Promise.all(
    Array.from({ length: count }, async () => {
      const res = await fetch(`${apiBaseUrl}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(chatBody(longPrompt(), true)),
        signal: controller.signal,
      });
      const id = res.headers.get('x-airlock-session-id');
      if (res.status !== 200 || !id) throw new Error(`stream not started: ${res.status}`);
      const reader = res.body!.getReader();
      await reader.read();
      // Keep reading in the background until the gateway dies.
      void (async () => {
        for (;;) if ((await reader.read().catch(() => ({ done: true }))).done) return;
      })();
      return id;
    }),
  );
  return { sessionIds, abort: () => controller.abort() };
}

/** Holds a request for approval; returns its id and the mailed link's path and query (the port changes on restart). */
export async function holdRequest(serve: ServeProcess, token: string, content: string): Promise<{ approvalId: string; sessionId: string; linkPath: string }> {
  const res = await postChat(serve.apiBaseUrl, token, chatBody(content, false));
  const body = (await res.json()) as { error?: { code?: string; request_id?: string } };
  if (res.status !== 403 || body.error?.code !== 'approval_pending' || !body.error.request_id) throw new Error(`not held: ${res.status} ${JSON.stringify(body)}`);
  const approvalId = body.error.request_id;
  const pattern = new RegExp(`http://[^/\\s]+(/approvals/${approvalId}\\?exp=\\d+&sig=[A-Za-z0-9_-]+)`);
  for (let i = 0; i < 200; i++) {
    const m = pattern.exec(serve.output());
    if (m) return { approvalId, sessionId: res.headers.get('x-airlock-session-id')!, linkPath: m[1]! };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no approval mail for ${approvalId}`);
}

/** An approver's decision as the page's form posts it: open the page (CSRF token), post the choice. */
export async function decide(baseUrl: string, linkPath: string, approverToken: string, decision: 'approve' | 'deny'): Promise<{ status: number; text: string }> {
  const cookie = `airlock_approver=${approverToken}`;
  const page = await (await fetch(`${baseUrl}${linkPath}`, { headers: { cookie } })).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
  const res = await fetch(`${baseUrl}${linkPath}`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf, decision }).toString(),
  });
  return { status: res.status, text: await res.text() };
}

/** The held request's status as the requester sees it, polled until it is no longer pending or approved. */
export async function settledRequest(apiBaseUrl: string, token: string, approvalId: string): Promise<string> {
  for (let i = 0; ; i++) {
    const res = await fetch(`${apiBaseUrl}/airlock/requests/${approvalId}`, { headers: { authorization: `Bearer ${token}` } });
    const { status } = (await res.json()) as { status: string };
    if ((status !== 'pending' && status !== 'approved') || i >= 300) return status;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The audit API's view of one session: its status and the result of the transcript check. */
export async function auditSession(apiBaseUrl: string, auditorToken: string, sessionId: string): Promise<{ status: string; integrity: string }> {
  const res = await fetch(`${apiBaseUrl}/airlock/sessions/${sessionId}`, { headers: { authorization: `Bearer ${auditorToken}` } });
  if (res.status !== 200) return { status: `http_${res.status}`, integrity: 'unknown' };
  const body = (await res.json()) as { integrity: string; session: { status: string } };
  return { status: body.session.status, integrity: body.integrity };
}

/** Sessions the audit search still finds `in_progress` (after a restart: none may be). */
export async function sessionsInProgress(apiBaseUrl: string, auditorToken: string): Promise<string[]> {
  const res = await fetch(`${apiBaseUrl}/airlock/sessions?status=in_progress&limit=100`, { headers: { authorization: `Bearer ${auditorToken}` } });
  if (res.status !== 200) throw new Error(`session search answered ${res.status}`);
  return ((await res.json()) as { data: { id: string }[] }).data.map((s) => s.id);
}
