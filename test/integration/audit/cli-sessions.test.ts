import { fileURLToPath } from 'node:url';
import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startGatewayProcess, type GatewayProcess } from '../../support/gateway-process';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const run = promisify(execFile);
// Built at run time so the repository holds no key-shaped string.
const CANARY_KEY = ['AKIA', 'Q7CLICANARY', 'Z2V9W'].join('');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

describe('airlock sessions (CLI) against a running local gateway', () => {
  let gateway: GatewayProcess;
  let auditorToken: string;
  let aliceToken: string;
  let plainId: string;
  let streamedId: string;

  const cli = async (args: string[], token: string): Promise<CliResult> => {
    const env = { ...process.env, AIRLOCK_URL: gateway.apiBaseUrl, AIRLOCK_TOKEN: token };
    try {
      const { stdout, stderr } = await run(process.execPath, [join(REPO, 'cli/bin.mjs'), 'sessions', ...args], { cwd: REPO, env });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  const chat = async (token: string, stream: boolean): Promise<string> => {
    const response = await fetch(`${gateway.apiBaseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'echo', stream, messages: [{ role: 'user', content: `deploy with ${CANARY_KEY} please` }] }),
    });
    await response.text();
    expect(response.status).toBe(200);
    return response.headers.get('x-airlock-session-id')!;
  };

  /** The record is completed just after the answer is sent: wait for it. */
  const completed = async (id: string) => {
    for (let i = 0; i < 100 && (await gateway.session(id))?.status !== 'completed'; i++) await new Promise((r) => setTimeout(r, 50));
  };

  beforeAll(async () => {
    gateway = await startGatewayProcess();
    [auditorToken, aliceToken] = await Promise.all([gateway.token('ada', ['auditors']), gateway.token('alice', ['llm-users'])]);
    plainId = await chat(aliceToken, false);
    streamedId = await chat(aliceToken, true);
    await Promise.all([completed(plainId), completed(streamedId)]);
  }, 90_000);

  afterAll(async () => {
    await gateway?.stop();
  });

  it('lists sessions as JSON for scripts, newest first', async () => {
    const result = await cli(['list', '--json'], auditorToken);

    expect(result.code).toBe(0);
    const page = JSON.parse(result.stdout) as { data: { id: string; principal: { sub: string } }[] };
    expect(page.data.map((s) => s.id)).toEqual([streamedId, plainId]);
    expect(page.data[0]!.principal.sub).toBe('alice');
  });

  it('lists a requester’s own sessions as a readable table, filtered by flags', async () => {
    const result = await cli(['list', '--model', 'echo', '--decision', 'allow'], aliceToken);

    expect(result.code).toBe(0);
    const [header, ...rows] = result.stdout.trim().split('\n');
    expect(header).toMatch(/^CREATED \(UTC\)\s+ID\s+PRINCIPAL\s+MODEL\s+DECISION\s+STATUS\s+RISK\s+FINDINGS$/);
    expect(rows.map((r) => r.split(/\s{2,}/)[1])).toEqual([streamedId, plainId]);
    expect(rows[0]).toMatch(/alice\s+echo\s+allow\s+completed/);
  });

  it('shows a session with its masked transcript and a verified integrity check', async () => {
    const table = await cli(['show', plainId], auditorToken);
    const json = await cli(['show', plainId, '--json'], auditorToken);

    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/Integrity\s+VERIFIED/);
    expect(table.stdout).toMatch(/\[user\] deploy with .*please/);
    expect(JSON.parse(json.stdout)).toMatchObject({ id: plainId, integrity: 'verified', session: { status: 'completed' } });
    expect(table.stdout + json.stdout).not.toContain(CANARY_KEY);
  });

  it('replays a streamed session event by event and stops at [DONE]', async () => {
    const result = await cli(['replay', streamedId, '--speed', '100', '--json'], auditorToken);

    expect(result.code).toBe(0);
    const events = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as { choices?: { delta?: { content?: string } }[] });
    const text = events.map((e) => e.choices?.[0]?.delta?.content ?? '').join('');
    expect(events.length).toBeGreaterThan(1);
    expect(text).toMatch(/deploy with .* please/);
    expect(text).not.toContain(CANARY_KEY);
  });

  it('exits non-zero with the gateway’s error code for a caller who may not read sessions', async () => {
    const outsider = await gateway.token('mallory', ['contractors']);

    const result = await cli(['list'], outsider);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('403 forbidden');
  });

  it('explains how to get a token when none is given', async () => {
    const result = await cli(['list'], '');

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('AIRLOCK_TOKEN');
  });
});
