import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client as ModernClient, StreamableHTTPClientTransport as ModernTransport } from '@modelcontextprotocol/client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process';
import { startSqliteMcpUpstream, type SqliteMcpUpstream } from '../support/sqlite-mcp-upstream';

// Built at run time so the repository itself holds no key-shaped string.
const CANARY_AWS_KEY = ['AKIA', 'Z7Q3CANARY', 'M9P4XQ'].join('');
const DB_CREDENTIAL = ['db-credential', randomBytes(8).toString('hex')].join('-');
const OPS_CREDENTIAL = ['ops-credential', randomBytes(8).toString('hex')].join('-');

/** An SDK-built upstream with a shell tool, recording what it receives (commands and Authorization headers). */
async function startOpsUpstream(): Promise<{ url: string; commands: string[]; authorizations: string[]; close(): Promise<void> }> {
  const commands: string[] = [];
  const authorizations: string[] = [];
  const server: Server = createServer(async (req, res) => {
    authorizations.push(req.headers.authorization ?? '');
    const mcp = new McpServer({ name: 'ops', version: '1.0.0' });
    mcp.registerTool('exec', { description: 'Runs a shell command.', inputSchema: { command: z.string() } }, async ({ command }) => {
      commands.push(command);
      return { content: [{ type: 'text', text: `ran: ${command}` }] };
    });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => void mcp.close());
    await mcp.connect(transport);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    await transport.handleRequest(req, res, chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`,
    commands,
    authorizations,
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

/** An upstream that accepts connections and never answers. */
async function startSilentUpstream(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(() => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))) };
}

/** A loopback URL nothing listens on. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return `http://127.0.0.1:${port}/mcp`;
}

const text = (result: unknown): string => ((result as CallToolResult).content ?? []).map((c) => (c.type === 'text' ? c.text : '')).join('\n');

describe('MCP gateway through the local runtime (official SDK 1.x client)', () => {
  let sqlite: SqliteMcpUpstream;
  let ops: Awaited<ReturnType<typeof startOpsUpstream>>;
  let silent: Awaited<ReturnType<typeof startSilentUpstream>>;
  let gateway: GatewayProcess;
  let mcpUrl: string;
  let aliceToken: string;
  const clients: Client[] = [];

  const connect = async (token: string): Promise<Client> => {
    const client = new Client({ name: 'e2e-agent', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    clients.push(client);
    return client;
  };
  const rpc = (body: string, headers: Record<string, string> = {}) =>
    fetch(mcpUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${aliceToken}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
      body,
    });

  beforeAll(async () => {
    [sqlite, ops, silent] = await Promise.all([startSqliteMcpUpstream(DB_CREDENTIAL), startOpsUpstream(), startSilentUpstream()]);
    gateway = await startGatewayProcess({
      AIRLOCK_MCP_EXAMPLE: 'off',
      AIRLOCK_MCP_TIMEOUT_MS: '1500',
      AIRLOCK_MAX_BODY_BYTES: '65536',
      DB_UPSTREAM_TOKEN: DB_CREDENTIAL,
      OPS_UPSTREAM_TOKEN: OPS_CREDENTIAL,
      AIRLOCK_MCP_UPSTREAMS: JSON.stringify([
        { name: 'db', url: sqlite.url, groups: ['llm-users'], credential: { env: 'DB_UPSTREAM_TOKEN' } },
        { name: 'ops', url: ops.url, groups: ['ops'], credential: { header: 'x-ops-key', env: 'OPS_UPSTREAM_TOKEN' } },
        { name: 'down', url: await closedPortUrl(), groups: ['llm-users'] },
        { name: 'silent', url: silent.url, groups: ['llm-users'] },
      ]),
    });
    mcpUrl = gateway.apiBaseUrl.replace(/\/v1$/, '/mcp');
    aliceToken = await gateway.token('alice', ['llm-users']);
  }, 90_000);

  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await gateway?.stop();
    await Promise.all([sqlite?.stop(), ops?.close(), silent?.close()]);
  });

  it('lists each caller only the tools of the upstreams their groups may use, prefixed', async () => {
    const alice = await connect(aliceToken);
    const bob = await connect(await gateway.token('bob', ['llm-users', 'ops']));

    const aliceTools = (await alice.listTools()).tools.map((t) => t.name);
    const bobTools = (await bob.listTools()).tools.map((t) => t.name);

    // airlock.wait_for_approval is the gateway's own tool (held calls, docs/mcp.md).
    expect(aliceTools.sort()).toEqual(['airlock.wait_for_approval', 'db.list_tables', 'db.run_sql']);
    expect(bobTools.sort()).toEqual(['airlock.wait_for_approval', 'db.list_tables', 'db.run_sql', 'ops.exec']);
  });

  it('answers a benign call with the upstream result', async () => {
    const alice = await connect(aliceToken);

    const result = await alice.callTool({ name: 'db.run_sql', arguments: { sql: 'SELECT count(*) AS n FROM customers' } });

    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ rows: [{ n: 25 }] });
  });

  it('masks personal data in the result (text and structured content) before the agent sees it', async () => {
    const alice = await connect(aliceToken);

    const result = await alice.callTool({ name: 'db.run_sql', arguments: { sql: 'SELECT name, email, card_number FROM customers LIMIT 3' } });

    const rows = (result.structuredContent as { rows: Array<Record<string, string>> }).rows;
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row.email).toBe('[REDACTED:email]');
      expect(row.card_number).toBe('[REDACTED:payment_card]');
    }
    expect(text(result)).not.toMatch(/@|\d{16}/);
  });

  it('masks a secret in the arguments so the upstream never sees it', async () => {
    const alice = await connect(aliceToken);

    const result = await alice.callTool({ name: 'db.run_sql', arguments: { sql: `SELECT '${CANARY_AWS_KEY}' AS k` } });

    expect(text(result)).toContain('[REDACTED:aws_access_key_id]');
    expect(sqlite.output()).toContain('[REDACTED:aws_access_key_id]');
    expect(sqlite.output()).not.toContain(CANARY_AWS_KEY);
  });

  it('blocks DROP TABLE with a tool error naming the reason, and the table is still there', async () => {
    const alice = await connect(aliceToken);

    const blocked = await alice.callTool({ name: 'db.run_sql', arguments: { sql: 'DROP TABLE customers' } });
    const count = await alice.callTool({ name: 'db.run_sql', arguments: { sql: 'SELECT count(*) AS n FROM customers' } });

    expect(blocked.isError).toBe(true);
    expect(text(blocked)).toContain('DROP TABLE customers');
    expect(sqlite.output()).not.toContain('DROP TABLE customers');
    expect(count.structuredContent).toEqual({ rows: [{ n: 25 }] });
  });

  it.each([
    'DROP/**/TABLE customers',
    'dRoP -- harmless\n TaBlE "customers"',
    'SELECT 1; DELETE FROM customers',
    'TRUNCATE customers',
    'DROP DATABASE main',
  ])('blocks the obfuscated SQL form %j', async (sql) => {
    const alice = await connect(aliceToken);

    const result = await alice.callTool({ name: 'db.run_sql', arguments: { sql } });

    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/^Airlock (blocked|refused)/);
    expect(sqlite.output()).not.toContain(JSON.stringify(sql));
  });

  it.each(['r"m" --force --recursive /srv/data', "bash -c 'kubectl delete deploy api --namespace=prod'", 'env X=1 terraform apply -auto-approve -destroy'])(
    'blocks the obfuscated shell form %j',
    async (command) => {
      const bob = await connect(await gateway.token('bob', ['llm-users', 'ops']));

      const result = await bob.callTool({ name: 'ops.exec', arguments: { command } });

      expect(result.isError).toBe(true);
      expect(ops.commands).not.toContain(command);
    },
  );

  it('forwards an allowed shell command with Airlock’s credential, never the caller’s token', async () => {
    const bobToken = await gateway.token('bob', ['llm-users', 'ops']);
    const bob = await connect(bobToken);

    const result = await bob.callTool({ name: 'ops.exec', arguments: { command: 'ls -la /var/log' } });

    expect(text(result)).toBe('ran: ls -la /var/log');
    expect(ops.authorizations.some((a) => a.includes(bobToken))).toBe(false);
  });

  it('refuses a tool of an upstream the caller’s groups may not use', async () => {
    const alice = await connect(aliceToken);

    const call = alice.callTool({ name: 'ops.exec', arguments: { command: 'ls' } });

    await expect(call).rejects.toMatchObject({ code: -32003 });
    expect(ops.commands).not.toContain('ls');
  });

  it('answers an unknown tool with invalid params', async () => {
    const alice = await connect(aliceToken);

    await expect(alice.callTool({ name: 'nowhere.tool', arguments: {} })).rejects.toMatchObject({ code: -32602 });
  });

  it('refuses a valid token whose groups are outside access.groups', async () => {
    const res = await rpc(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }), { authorization: `Bearer ${await gateway.token('eve', ['visitors'])}` });

    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ jsonrpc: '2.0', id: 1, error: { code: -32003 } });
  });

  it('answers 401 with the RFC 9728 challenge, and the metadata names the resource and its issuers', async () => {
    const res = await fetch(mcpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const challenge = res.headers.get('www-authenticate') ?? '';
    const metadataUrl = /resource_metadata="([^"]+)"/.exec(challenge)?.[1];
    const metadata = (await (await fetch(metadataUrl!)).json()) as { resource: string; authorization_servers: string[] };

    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32007 } });
    expect(metadata.resource).toBe(mcpUrl);
    expect(metadata.authorization_servers).toContain('http://localhost/airlock-dev-issuer');
  });

  it('answers an upstream that is down with a JSON-RPC error', async () => {
    const alice = await connect(aliceToken);

    await expect(alice.callTool({ name: 'down.anything', arguments: {} })).rejects.toMatchObject({ code: -32004 });
  });

  it('answers an upstream that stays silent with a timeout error once the deadline passes', async () => {
    const alice = await connect(aliceToken);

    await expect(alice.callTool({ name: 'silent.anything', arguments: {} })).rejects.toMatchObject({ code: -32001 });
  });

  it('answers malformed JSON-RPC with JSON-RPC errors, never HTML', async () => {
    let deep = '1';
    for (let i = 0; i < 40; i++) deep = `[${deep}]`;

    const parse = await rpc('{"jsonrpc": "2.0", "id": 1,');
    const unknownMethod = await rpc(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/explode' }));
    const tooDeep = await rpc(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'db.run_sql', arguments: { sql: JSON.parse(deep) } } }));
    const oversize = await rpc(JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'db.run_sql', arguments: { sql: 'x'.repeat(70_000) } } }));
    const invalidParams = await rpc(JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { arguments: {} } }));
    const get = await fetch(mcpUrl, { headers: { authorization: `Bearer ${aliceToken}`, accept: 'text/event-stream' } });

    expect(parse.status).toBe(400);
    expect(await parse.json()).toMatchObject({ error: { code: -32700 } });
    expect(await unknownMethod.json()).toMatchObject({ id: 2, error: { code: -32601 } });
    expect(await tooDeep.json()).toMatchObject({ error: { code: -32006 } });
    expect(oversize.status).toBe(413);
    expect(await oversize.json()).toMatchObject({ error: { code: -32006 } });
    expect(await invalidParams.json()).toMatchObject({ id: 5, error: { code: -32602 } });
    expect(get.status).toBe(405);
    expect(await get.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32600 } });
  });

  it('shows the calls through the audit API like any other session: blocked DROP with its parsed effect, transcript verified', async () => {
    const headers = { authorization: `Bearer ${aliceToken}` };
    const list = (await (await fetch(`${gateway.apiBaseUrl}/airlock/sessions?model=db.run_sql&decision=block`, { headers })).json()) as { data: Array<{ id: string }> };
    const shown = (await (await fetch(`${gateway.apiBaseUrl}/airlock/sessions/${list.data[0]!.id}`, { headers })).json()) as {
      integrity: string;
      session: { route: string; status: string };
      risk: { reasons: Array<{ id: string }> };
      transcript: { request: { upstream: string; tool: string; arguments: { sql: string } }; response: { isError: boolean } };
    };

    expect(list.data.length).toBeGreaterThanOrEqual(6);
    expect(shown.integrity).toBe('verified');
    expect(shown.session).toMatchObject({ route: 'POST /mcp', status: 'blocked' });
    expect(shown.risk.reasons.map((r) => r.id).some((id) => id.startsWith('command.sql.'))).toBe(true);
    expect(shown.transcript.request).toMatchObject({ upstream: 'db', tool: 'run_sql' });
    expect(shown.transcript.response.isError).toBe(true);
  });

  describe('protocol revision 2026-07-28 (stateless, no initialize)', () => {
    const modern = (method: string, extra: Record<string, string> = {}) => ({ 'mcp-protocol-version': '2026-07-28', 'mcp-method': method, ...extra });

    it('serves the official SDK 2.x client pinned to 2026-07-28: filtered list, masked result, blocked DROP', async () => {
      const client = new ModernClient({ name: 'e2e-modern-agent', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
      await client.connect(new ModernTransport(new URL(mcpUrl), { requestInit: { headers: { authorization: `Bearer ${aliceToken}` } } }));
      try {
        const tools = (await client.listTools()).tools.map((t) => t.name);
        const masked = await client.callTool({ name: 'db.run_sql', arguments: { sql: 'SELECT email FROM customers LIMIT 1' } });
        const blocked = await client.callTool({ name: 'db.run_sql', arguments: { sql: 'DROP/**/TABLE customers' } });

        expect(tools.sort()).toEqual(['airlock.wait_for_approval', 'db.list_tables', 'db.run_sql']);
        expect(masked.structuredContent).toEqual({ rows: [{ email: '[REDACTED:email]' }] });
        expect(blocked.isError).toBe(true);
      } finally {
        await client.close();
      }
    });

    it('answers server/discover with the supported revisions', async () => {
      const res = await rpc(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'server/discover' }), modern('server/discover'));

      expect(await res.json()).toMatchObject({ id: 1, result: { supportedVersions: expect.arrayContaining(['2026-07-28', '2025-11-25', '2025-06-18']) } });
    });

    it('serves tools/call without initialize when the headers match the body', async () => {
      const res = await rpc(
        JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'db.run_sql', arguments: { sql: 'SELECT 1 AS one' } } }),
        modern('tools/call', { 'mcp-name': 'db.run_sql' }),
      );

      expect(await res.json()).toMatchObject({ id: 2, result: { structuredContent: { rows: [{ one: 1 }] } } });
    });

    it('refuses a message whose Mcp-Name header names another tool than the body', async () => {
      const res = await rpc(
        JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'db.run_sql', arguments: { sql: 'DELETE FROM customers' } } }),
        modern('tools/call', { 'mcp-name': 'db.list_tables' }),
      );

      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ id: 3, error: { code: -32600 } });
    });
  });

  it('records every call like a chat session, with masked content only (canary search over logs, items, transcripts)', async () => {
    const stored = await gateway.everythingStored();
    const items = (stored.split('\n').filter((l) => l.startsWith('{"') && l.includes('"route":"POST /mcp"')).map((l) => JSON.parse(l)) as Array<Record<string, unknown>>).filter((i) => 'status' in i);

    const blocked = items.filter((i) => i.decision === 'block' && i.model === 'db.run_sql');
    const failed = items.filter((i) => i.status === 'failed').map((i) => i.errorCode);
    expect(items.some((i) => i.status === 'completed' && i.model === 'db.run_sql' && i.transcriptSha256)).toBe(true);
    expect(blocked.length).toBeGreaterThanOrEqual(6);
    expect(JSON.stringify(blocked)).toContain('command.sql.drop_table');
    expect(failed).toEqual(expect.arrayContaining(['mcp_-32004', 'mcp_-32001']));
    expect(stored).toContain('[REDACTED:aws_access_key_id]');
    for (const secret of [CANARY_AWS_KEY, DB_CREDENTIAL, OPS_CREDENTIAL, aliceToken]) {
      expect(stored).not.toContain(secret);
      expect(gateway.output()).not.toContain(secret);
    }
    expect(stored).not.toMatch(/@(gmail|outlook|yahoo|proton|icloud|gmx|web|hotmail)\./);
  });
});

describe('npm start (airlock serve) out of the box', () => {
  let gateway: GatewayProcess;

  beforeAll(async () => {
    gateway = await startGatewayProcess();
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
  });

  it('registers the example SQLite upstream as db and prints how to connect an agent', async () => {
    const client = new Client({ name: 'first-agent', version: '1.0.0' });
    const url = new URL(gateway.apiBaseUrl.replace(/\/v1$/, '/mcp'));
    await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers: { authorization: `Bearer ${await gateway.token('dev', ['llm-users'])}` } } }));
    try {
      const tools = (await client.listTools()).tools.map((t) => t.name);
      const result = await client.callTool({ name: 'db.run_sql', arguments: { sql: 'SELECT card_number FROM customers LIMIT 1' } });

      expect(tools).toContain('db.run_sql');
      expect(result.structuredContent).toEqual({ rows: [{ card_number: '[REDACTED:payment_card]' }] });
      expect(gateway.output()).toContain(`claude mcp add --transport http airlock ${url.href}`);
    } finally {
      await client.close();
    }
  });
});
