import { randomBytes, randomUUID } from 'node:crypto';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, type CallToolResult, type Progress } from '@modelcontextprotocol/sdk/types.js';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process';
import { startSqliteMcpUpstream, type SqliteMcpUpstream } from '../support/sqlite-mcp-upstream';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const DB_CREDENTIAL = ['db-credential', randomBytes(8).toString('hex')].join('-');

/**
 * The policy of these tests: no score blocks (block_at out of reach), so DROP TABLE is reviewed
 * rather than blocked; members of `hurried` get the shortest approval timeout the policy allows.
 */
const POLICY = `
version: 1
access:
  groups: [llm-users, hurried]
defaults:
  risk:
    review_at: 50
    block_at: 101
  approval:
    approvers_group: approvers
    timeout_seconds: 3600
    self_approval: false
groups:
  hurried:
    approval:
      timeout_seconds: 60
`;

interface ApprovalMeta {
  request_id: string;
  status: string;
  status_url: string;
  decide_by: string;
}

const text = (result: unknown): string => ((result as CallToolResult).content ?? []).map((c) => (c.type === 'text' ? c.text : '')).join('\n');
const approvalOf = (result: CallToolResult): ApprovalMeta => (result._meta as Record<string, ApprovalMeta>)['airlock/approval']!;

/**
 * Reviewed MCP tool calls end to end: the real `airlock serve` (local state machine, console mail,
 * approval pages, dev sign-in) in front of the example SQLite upstream in its own process, the
 * official MCP SDK client as the agent, approvers in headless Chromium through the mailed link.
 */
describe('reviewed MCP tool calls through the local runtime, approvers in a real browser', () => {
  let upstream: SqliteMcpUpstream;
  let gateway: GatewayProcess;
  let browser: Browser;
  let policyDir: string;
  let mcpUrl: string;
  let baseUrl: string;
  let aliceToken: string;
  const clients: Client[] = [];
  const contexts: BrowserContext[] = [];
  // Held first thing, so its 60 s timeout runs out while the other tests run.
  let hurriedHeld: { sql: string; result: CallToolResult; token: string };

  const connect = async (token: string): Promise<Client> => {
    const client = new Client({ name: 'e2e-agent', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    policyDir = await mkdtemp(join(tmpdir(), 'airlock-mcp-approvals-'));
    await writeFile(join(policyDir, 'policy.yaml'), POLICY);
    [upstream, browser] = await Promise.all([
      startSqliteMcpUpstream(DB_CREDENTIAL),
      chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true }),
    ]);
    gateway = await startGatewayProcess({
      AIRLOCK_POLICY: join(policyDir, 'policy.yaml'),
      AIRLOCK_MCP_EXAMPLE: 'off',
      AIRLOCK_MCP_PROGRESS_INTERVAL_MS: '300',
      AIRLOCK_MCP_WAIT_SECONDS: '20',
      DB_UPSTREAM_TOKEN: DB_CREDENTIAL,
      AIRLOCK_MCP_UPSTREAMS: JSON.stringify([{ name: 'db', url: upstream.url, groups: ['llm-users', 'hurried'], credential: { env: 'DB_UPSTREAM_TOKEN' } }]),
    });
    mcpUrl = gateway.apiBaseUrl.replace(/\/v1$/, '/mcp');
    baseUrl = gateway.apiBaseUrl.replace(/\/v1$/, '');
    aliceToken = await gateway.token('alice', ['llm-users']);

    const hurriedToken = await gateway.token('hana', ['hurried']);
    const hana = await connect(hurriedToken);
    const sql = await createTable(hana, 'hurried');
    const dropSql = `DROP TABLE ${sql}`;
    hurriedHeld = { sql: dropSql, result: (await hana.callTool({ name: 'db.run_sql', arguments: { sql: dropSql } })) as CallToolResult, token: hurriedToken };
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await gateway?.stop();
    await upstream?.stop();
    if (policyDir) await rm(policyDir, { recursive: true, force: true });
  });

  /** A table of its own for a test (CREATE TABLE is allowed), so each DROP has its own target. */
  async function createTable(client: Client, prefix: string): Promise<string> {
    const name = `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
    const created = await client.callTool({ name: 'db.run_sql', arguments: { sql: `CREATE TABLE ${name} (id INTEGER)` } });
    expect(created.isError).toBeFalsy();
    return name;
  }

  async function tables(client: Client): Promise<string[]> {
    const listed = await client.callTool({ name: 'db.list_tables', arguments: {} });
    return (JSON.parse(text(listed)) as Array<{ name: string }>).map((r) => r.name);
  }

  async function mailedLink(id: string): Promise<string> {
    const pattern = new RegExp(`(http://\\S+/approvals/${id}\\?exp=\\d+&sig=[A-Za-z0-9_-]+)`);
    for (let i = 0; i < 200; i++) {
      const m = pattern.exec(gateway.output());
      if (m) return m[1]!;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no approval mail for ${id} in the console output`);
  }

  async function signedIn(link: string, sub: string, groups: string): Promise<Page> {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(link);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.fill('#sub', sub);
    await page.fill('#groups', groups);
    await Promise.all([page.waitForURL(/\/approvals\//), page.getByRole('button', { name: 'Sign in' }).click()]);
    return page;
  }

  async function decide(id: string, approver: string, choice: 'Approve' | 'Deny'): Promise<Page> {
    const page = await signedIn(await mailedLink(id), approver, 'approvers');
    await Promise.all([page.waitForLoadState(), page.getByRole('button', { name: choice }).click()]);
    return page;
  }

  async function requestStatus(id: string, token = aliceToken): Promise<{ status: string; session_id: string }> {
    const res = await fetch(`${baseUrl}/v1/airlock/requests/${id}`, { headers: { authorization: `Bearer ${token}` } });
    return (await res.json()) as { status: string; session_id: string };
  }

  const times = (sql: string) => upstream.received().filter((s) => s === sql).length;

  it('answers a reviewed call without a progressToken at once: awaits approval, with request id, status URL and deadline', async () => {
    const alice = await connect(aliceToken);
    const table = await createTable(alice, 'pending');
    const sql = `DROP TABLE ${table}`;

    const result = (await alice.callTool({ name: 'db.run_sql', arguments: { sql } })) as CallToolResult;

    expect(result.isError).toBe(true);
    const meta = approvalOf(result);
    expect(meta.status).toBe('pending');
    expect(meta.status_url).toBe(`${baseUrl}/v1/airlock/requests/${meta.request_id}`);
    expect(Date.parse(meta.decide_by)).toBeGreaterThan(Date.now());
    expect(text(result)).toContain('awaits approval');
    expect(text(result)).toContain(meta.request_id);
    expect(text(result)).toContain(meta.status_url);
    expect(text(result)).toContain(meta.decide_by);
    expect(text(result)).toContain('airlock.wait_for_approval');
    expect((await requestStatus(meta.request_id)).status).toBe('pending');
    expect(times(sql)).toBe(0);
    expect(await tables(alice)).toContain(table);
    const held = await gateway.session((await requestStatus(meta.request_id)).session_id);
    expect(held).toMatchObject({ status: 'pending', decision: 'review', route: 'POST /mcp', model: 'db.run_sql' });
  }, 60_000);

  it('a denied call is never sent: the retry gets the denial, the table is still there', async () => {
    const alice = await connect(aliceToken);
    const sql = `DROP TABLE customers -- ticket ${randomUUID()}`;
    const held = approvalOf((await alice.callTool({ name: 'db.run_sql', arguments: { sql } })) as CallToolResult);
    // The chat prompts' rules: the requester cannot decide on their own call.
    const self = await signedIn(await mailedLink(held.request_id), 'alice', 'approvers,llm-users');
    expect(await self.textContent('h1')).toBe('Not your own request');

    const page = await decide(held.request_id, 'dave', 'Deny');
    expect(await page.textContent('h1')).toBe('Denied');
    const retry = (await alice.callTool({ name: 'db.run_sql', arguments: { sql } })) as CallToolResult;

    expect(retry.isError).toBe(true);
    expect(approvalOf(retry)).toMatchObject({ request_id: held.request_id, status: 'denied' });
    expect(text(retry)).toContain('denied this tool call');
    expect(times(sql)).toBe(0);
    expect(await tables(alice)).toContain('customers');
    const session = await gateway.session((await requestStatus(held.request_id)).session_id);
    expect(session).toMatchObject({ status: 'denied', approval: { decision: 'denied', approver: 'dave' } });
  }, 60_000);

  it('a DROP TABLE approved in the browser through the mailed link runs exactly once, with the approved arguments', async () => {
    const alice = await connect(aliceToken);
    const sql = `DROP TABLE customers -- ticket ${randomUUID()}`;
    const held = approvalOf((await alice.callTool({ name: 'db.run_sql', arguments: { sql } })) as CallToolResult);

    // The approver sees the upstream, the tool, the effect, the SQL as code and the reasons.
    const carol = await signedIn(await mailedLink(held.request_id), 'carol', 'approvers');
    expect(await carol.textContent('h1')).toBe('A tool call needs your approval');
    const review = (await carol.textContent('body'))!;
    expect(review).toMatch(/Upstream\s*db/);
    expect(review).toMatch(/Tool\s*run_sql/);
    expect(review).toContain('DROP TABLE customers on db');
    expect(review).toContain('command effect: DROP TABLE customers');
    expect(await carol.locator('pre code.language-sql').textContent()).toBe(sql);
    expect(times(sql)).toBe(0);
    await Promise.all([carol.waitForLoadState(), carol.getByRole('button', { name: 'Approve' }).click()]);
    expect(await carol.textContent('h1')).toBe('Approved');

    const first = (await alice.callTool({ name: 'db.run_sql', arguments: { sql } })) as CallToolResult;
    const again = (await alice.callTool({ name: 'db.run_sql', arguments: { sql } })) as CallToolResult;

    expect(first.isError).toBeFalsy();
    expect(first.structuredContent).toEqual({ rows: [] });
    expect(approvalOf(first)).toMatchObject({ request_id: held.request_id, status: 'completed' });
    expect(again.structuredContent).toEqual({ rows: [] });
    expect(times(sql)).toBe(1);
    expect(await tables(alice)).not.toContain('customers');
    const status = await requestStatus(held.request_id);
    expect(status.status).toBe('completed');
    expect(await gateway.session(status.session_id)).toMatchObject({ status: 'completed', approval: { decision: 'approved', approver: 'carol' } });
  }, 60_000);

  it('a retry with changed arguments is not served by the approval: it is held anew, and only the approved call runs', async () => {
    const alice = await connect(aliceToken);
    const [approvedTable, otherTable] = [await createTable(alice, 'approved'), await createTable(alice, 'other')];
    const approvedSql = `DROP TABLE ${approvedTable}`;
    const held = approvalOf((await alice.callTool({ name: 'db.run_sql', arguments: { sql: approvedSql } })) as CallToolResult);
    await decide(held.request_id, 'carol', 'Approve');

    const changed = (await alice.callTool({ name: 'db.run_sql', arguments: { sql: `DROP TABLE ${otherTable}` } })) as CallToolResult;
    const withExtraArgument = (await alice.callTool({ name: 'db.run_sql', arguments: { sql: approvedSql, note: 'x' } })) as CallToolResult;

    expect(changed.isError).toBe(true);
    expect(approvalOf(changed).status).toBe('pending');
    expect(approvalOf(changed).request_id).not.toBe(held.request_id);
    expect(approvalOf(withExtraArgument).request_id).not.toBe(held.request_id);
    expect(await tables(alice)).toEqual(expect.arrayContaining([approvedTable, otherTable]));
    // Another caller with the very same call is not served either.
    const bob = await connect(await gateway.token('bob', ['llm-users']));
    const bobs = (await bob.callTool({ name: 'db.run_sql', arguments: { sql: approvedSql } })) as CallToolResult;
    expect(approvalOf(bobs).request_id).not.toBe(held.request_id);
    expect(times(approvedSql)).toBe(0);

    const collected = (await alice.callTool({ name: 'db.run_sql', arguments: { sql: approvedSql } })) as CallToolResult;
    expect(collected.isError).toBeFalsy();
    const left = await tables(alice);
    expect(left).not.toContain(approvedTable);
    expect(left).toContain(otherTable);
    expect(times(approvedSql)).toBe(1);
  }, 90_000);

  it('holds a call that sent a progressToken, with progress notifications, and answers it with the result once approved', async () => {
    const alice = await connect(aliceToken);
    const table = await createTable(alice, 'progress');
    const sql = `DROP TABLE ${table}`;
    const progress: Progress[] = [];

    // The client's own timeout is shorter than the wait: only the progress notifications keep the call alive.
    const call = alice.callTool({ name: 'db.run_sql', arguments: { sql } }, CallToolResultSchema, {
      onprogress: (p) => progress.push(p),
      resetTimeoutOnProgress: true,
      timeout: 3_000,
    });
    let id: string | undefined;
    for (let i = 0; i < 200 && !id; i++) {
      id = new RegExp(`Awaiting approval by a member of 'approvers' \\(request ([A-Za-z0-9_-]+)`).exec(progress.map((p) => p.message ?? '').join('\n'))?.[1];
      if (!id) await new Promise((r) => setTimeout(r, 50));
    }
    expect(id).toBeDefined();
    await new Promise((r) => setTimeout(r, 3_500));
    expect(times(sql)).toBe(0);
    await decide(id!, 'carol', 'Approve');
    const result = (await call) as CallToolResult;

    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ rows: [] });
    expect(approvalOf(result)).toMatchObject({ request_id: id, status: 'completed' });
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(times(sql)).toBe(1);
    expect(await tables(alice)).not.toContain(table);
    expect(await gateway.session((await requestStatus(id!)).session_id)).toMatchObject({ status: 'completed', approval: { decision: 'approved' } });
  }, 90_000);

  it('airlock.wait_for_approval is listed and long-polls a held call to its result', async () => {
    const alice = await connect(aliceToken);
    const listed = (await alice.listTools()).tools.map((t) => t.name);
    expect(listed).toContain('airlock.wait_for_approval');
    const table = await createTable(alice, 'waited');
    const sql = `DROP TABLE ${table}`;
    const held = approvalOf((await alice.callTool({ name: 'db.run_sql', arguments: { sql } })) as CallToolResult);

    const waiting = alice.callTool({ name: 'airlock.wait_for_approval', arguments: { request_id: held.request_id } });
    await decide(held.request_id, 'carol', 'Approve');
    const result = (await waiting) as CallToolResult;

    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ rows: [] });
    expect(times(sql)).toBe(1);
    expect(await tables(alice)).not.toContain(table);
    // Someone else's request id is not found.
    const bob = await connect(await gateway.token('bob', ['llm-users']));
    const foreign = (await bob.callTool({ name: 'airlock.wait_for_approval', arguments: { request_id: held.request_id } })) as CallToolResult;
    expect(foreign.isError).toBe(true);
    expect(text(foreign)).toContain('No tool call of yours is held');
  }, 90_000);

  describe('MCP tasks (the SDK 1.x client’s experimental callToolStream)', () => {
    type StreamMessage = { type: string; task?: { taskId: string; status: string; statusMessage?: string }; result?: CallToolResult; error?: Error };

    /** Runs a call as a task; resolves the task as created, and every message once the stream ends. */
    function asTask(client: Client, sql: string) {
      const messages: StreamMessage[] = [];
      let created!: (task: NonNullable<StreamMessage['task']>) => void;
      const task = new Promise<NonNullable<StreamMessage['task']>>((resolve) => (created = resolve));
      const done = (async () => {
        for await (const m of client.experimental.tasks.callToolStream({ name: 'db.run_sql', arguments: { sql } }) as AsyncIterable<StreamMessage>) {
          messages.push(m);
          if (m.type === 'taskCreated') created(m.task!);
        }
        return messages;
      })();
      return { task, done };
    }

    it('lists the upstream tools as task-capable (optional), the gateway’s own tool not', async () => {
      const alice = await connect(aliceToken);

      const tools = (await alice.listTools()).tools;

      expect(tools.find((t) => t.name === 'db.run_sql')?.execution).toEqual({ taskSupport: 'optional' });
      expect(tools.find((t) => t.name === 'airlock.wait_for_approval')?.execution).toBeUndefined();
    });

    it('a reviewed call becomes a working task; polling gets it sent once approved, and its result', async () => {
      const alice = await connect(aliceToken);
      await alice.listTools();
      const table = await createTable(alice, 'task');
      const sql = `DROP TABLE ${table}`;

      const run = asTask(alice, sql);
      const task = await run.task;
      expect(task).toMatchObject({ taskId: expect.stringMatching(/^airlock-held-/), status: 'working' });
      expect(times(sql)).toBe(0);
      await decide(task.taskId.slice('airlock-held-'.length), 'carol', 'Approve');
      const messages = await run.done;

      const result = messages.find((m) => m.type === 'result')?.result;
      expect(messages.filter((m) => m.type === 'taskStatus').map((m) => m.task!.status)).toContain('completed');
      expect(result?.isError).toBeFalsy();
      expect(result?.structuredContent).toEqual({ rows: [] });
      expect(times(sql)).toBe(1);
      expect(await tables(alice)).not.toContain(table);
      // Someone else cannot read the task.
      const bob = await connect(await gateway.token('bob', ['llm-users']));
      await expect(bob.experimental.tasks.getTask(task.taskId)).rejects.toMatchObject({ code: -32602 });
    }, 90_000);

    it('a denied task completes with the denial the agent can read, and nothing is sent', async () => {
      const alice = await connect(aliceToken);
      await alice.listTools();
      const sql = `DROP TABLE customers -- task ${randomUUID()}`;

      const run = asTask(alice, sql);
      await decide((await run.task).taskId.slice('airlock-held-'.length), 'dave', 'Deny');
      const result = (await run.done).find((m) => m.type === 'result')?.result;

      expect(result?.isError).toBe(true);
      expect(text(result)).toContain('denied this tool call');
      expect(times(sql)).toBe(0);
    }, 90_000);

    it('a call that is answered at once is a completed task whose result is the recorded, masked one', async () => {
      const alice = await connect(aliceToken);
      await alice.listTools();

      // Not from customers: an earlier test dropped that table.
      const messages = await asTask(alice, "SELECT 'olivia.novak42@proton.me' AS email").done;

      expect(messages[0]).toMatchObject({ type: 'taskCreated', task: { taskId: expect.stringMatching(/^airlock-call-/), status: 'completed' } });
      expect(messages.filter((m) => m.type === 'error').map((m) => m.error?.message)).toEqual([]);
      expect(messages.find((m) => m.type === 'result')?.result?.structuredContent).toEqual({ rows: [{ email: '[REDACTED:email]' }] });
    }, 60_000);
  });

  it('a call nobody decides on expires: the agent is told so and it is never sent', async () => {
    const { sql, result, token } = hurriedHeld;
    const held = approvalOf(result);
    expect(held.status).toBe('pending');
    const hana = await connect(token);

    // The held call's decision time (60 s, the policy minimum) runs out while the other tests ran;
    // then the workflow's timeout records it expired.
    const status = await requestStatus(held.request_id, token);
    let session = await gateway.session(status.session_id);
    for (let i = 0; i < 160 && session?.status !== 'expired'; i++) {
      await new Promise((r) => setTimeout(r, 500));
      session = await gateway.session(status.session_id);
    }
    expect(session).toMatchObject({ status: 'expired', errorCode: 'approval_expired', approval: { decision: 'expired' } });
    expect((await requestStatus(held.request_id, token)).status).toBe('expired');
    const waited = (await hana.callTool({ name: 'airlock.wait_for_approval', arguments: { request_id: held.request_id } })) as CallToolResult;
    const retry = (await hana.callTool({ name: 'db.run_sql', arguments: { sql } })) as CallToolResult;

    expect(waited.isError).toBe(true);
    expect(text(waited)).toContain('Nobody decided on this tool call');
    expect(approvalOf(retry)).toMatchObject({ request_id: held.request_id, status: 'expired' });
    expect(times(sql)).toBe(0);
    // The approver's link now says so.
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    expect((await page.goto(await mailedLink(held.request_id)))?.status()).toBe(410);
    expect(await page.textContent('h1')).toBe('Link expired');
  }, 120_000);
});
