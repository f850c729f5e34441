import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { decodeProtectedHeader, importJWK, SignJWT, type JWK } from 'jose';
import { argumentsSha256 } from '../../lambdas/gateway/mcp/canonical-arguments';
import { JWKS_PATH, mintCallToken, type CallTokenRequest, type CallTokenSigner } from '../../lambdas/gateway/mcp/call-tokens';
import { readConfig } from '../../lambdas/shared/config';
import { loadOrCreateCallTokenKey } from '../../local/call-token-key';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime';
import { startExampleMcpUpstream, type ExampleMcpUpstream } from '../../local/example-mcp-upstream';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process';

const text = (result: unknown): string => ((result as CallToolResult).content ?? []).map((c) => (c.type === 'text' ? c.text : '')).join('\n');

describe('per-call tokens: Airlock mints one for every forwarded tool call, the example upstream verifies it', () => {
  let upstream: ExampleMcpUpstream;
  /** Expects another audience than Airlock sends it: every token is refused. */
  let strict: ExampleMcpUpstream;
  let gateway: GatewayProcess;
  /** The gateway's base URL: the tokens' `iss`, the JWKS under it. */
  let base = '';
  let signer: CallTokenSigner;
  let client: Client;

  beforeAll(async () => {
    // The upstream learns the gateway's URL once it listens; it reads the JWKS URL on first use.
    upstream = await startExampleMcpUpstream({ callTokens: { issuer: () => base, jwksUrl: () => `${base}${JWKS_PATH}` } });
    strict = await startExampleMcpUpstream({ callTokens: { issuer: () => base, jwksUrl: () => `${base}${JWKS_PATH}`, audience: () => 'urn:example:strict' } });
    gateway = await startGatewayProcess({
      AIRLOCK_LOCAL_STORES: 'embedded',
      AIRLOCK_MCP_EXAMPLE: 'off',
      AIRLOCK_MCP_UPSTREAMS: JSON.stringify([
        { name: 'db', url: upstream.url, groups: ['llm-users'], credential: { mode: 'per-call-token' } },
        { name: 'strict', url: strict.url, groups: ['llm-users'], credential: { mode: 'per-call-token' } },
      ]),
    });
    base = gateway.apiBaseUrl.replace(/\/v1$/, '');
    // The key the gateway signs with, from its data directory: the tests below mint tokens the upstream trusts.
    signer = await loadOrCreateCallTokenKey(join(gateway.env().AIRLOCK_DATA_DIR!, 'mcp-call-token-key.json'));
    client = new Client({ name: 'e2e-agent', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${await gateway.token('alice', ['llm-users'])}` } },
      }),
    );
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await gateway?.stop();
    await upstream?.close();
    await strict?.close();
  });

  const toolCallTokens = () => upstream.verifiedTokens.filter((c) => c.mcp_method === 'tools/call');

  describe('through the gateway (official SDK client)', () => {
    it('forwards the call with a token the upstream verified: sub the caller, aud the upstream, the tool and the hash of the arguments sent', async () => {
      const before = toolCallTokens().length;

      const result = await client.callTool({ name: 'db.run_sql', arguments: { sql: 'SELECT count(*) AS n FROM customers' } });

      expect(result.isError).toBeFalsy();
      expect(text(result)).toContain('"n":25');
      const claims = toolCallTokens().slice(before);
      expect(claims).toHaveLength(1);
      expect(claims[0]).toMatchObject({
        iss: base,
        aud: upstream.url,
        sub: 'alice',
        act: { sub: 'airlock' },
        sub_id: { format: 'iss_sub', sub: 'alice' },
        tool: 'run_sql',
        args_sha256: argumentsSha256({ sql: 'SELECT count(*) AS n FROM customers' }),
      });
      expect(claims[0]!.exp! - claims[0]!.iat!).toBe(60);
      expect(claims[0]!.nbf).toBe(claims[0]!.iat);
      expect(claims[0]!.airlock_session).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    });

    it('binds the token to the masked arguments the upstream received, not to what the agent sent', async () => {
      const sent = { sql: "SELECT 'bob@example.com' AS contact" };
      const before = toolCallTokens().length;

      await client.callTool({ name: 'db.run_sql', arguments: sent });

      const received = upstream.received.at(-1)!;
      expect(received).not.toContain('bob@example.com');
      expect(toolCallTokens().slice(before)[0]!.args_sha256).toBe(argumentsSha256({ sql: received }));
      expect(toolCallTokens().slice(before)[0]!.args_sha256).not.toBe(argumentsSha256(sent));
    });

    it('mints a new token (new jti) for each call, so identical calls are not replays', async () => {
      const before = toolCallTokens().length;

      for (let i = 0; i < 2; i++) await client.callTool({ name: 'db.run_sql', arguments: { sql: 'SELECT 1 AS one' } });

      const [first, second] = toolCallTokens().slice(before);
      expect(first!.args_sha256).toBe(second!.args_sha256);
      expect(first!.jti).not.toBe(second!.jti);
    });

    it('answers the agent a JSON-RPC error when the upstream refuses the token, and the upstream runs nothing', async () => {
      const failure = await client.callTool({ name: 'strict.run_sql', arguments: { sql: 'DELETE FROM customers WHERE id = 1' } }).catch((e: unknown) => e);

      expect(failure).toMatchObject({ code: -32004 });
      expect(String((failure as Error).message)).toContain('Upstream "strict" is unavailable.');
      expect(strict.received).toEqual([]);
      expect(strict.verifiedTokens).toEqual([]);
    });

    it('publishes the signing key at the JWKS URL, without a token, under the kid the tokens carry', async () => {
      const res = await fetch(`${base}${JWKS_PATH}`);
      const jwks = (await res.json()) as { keys: Array<Record<string, string>> };

      expect(res.status).toBe(200);
      expect(jwks.keys).toHaveLength(1);
      expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: (await signer.publicKey()).kid });
      expect(jwks.keys[0]).not.toHaveProperty('d');
    });
  });

  describe('against the upstream directly', () => {
    const SQL = 'SELECT name FROM customers LIMIT 1';
    const callRequest = (overrides: Partial<CallTokenRequest> = {}, args: unknown = { sql: SQL }): CallTokenRequest => ({
      audience: upstream.url,
      lifetimeSeconds: 60,
      method: 'tools/call',
      call: { tool: 'run_sql', arguments: args, caller: { sub: 'mallory', issuer: 'http://localhost/airlock-dev-issuer' }, sessionId: 'S1' },
      ...overrides,
    });
    const mint = (request: CallTokenRequest, now?: number) => mintCallToken({ signer, issuer: () => base, ...(now ? { now: () => now } : {}) }, request);
    let nextId = 1;
    const post = async (token: string, args: Record<string, unknown> = { sql: SQL }, tool = 'run_sql') => {
      const res = await fetch(upstream.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method: 'tools/call', params: { name: tool, arguments: args } }),
      });
      return { status: res.status, body: (await res.json()) as { result?: CallToolResult; error?: { message: string } } };
    };

    it('accepts a fresh token once and refuses it the second time (replay)', async () => {
      const token = await mint(callRequest());

      const first = await post(token);
      const second = await post(token);

      expect(first.status).toBe(200);
      expect(text(first.body.result)).toContain('name');
      expect(second.status).toBe(401);
      expect(second.body.error!.message).toMatch(/already used \(replay\)/);
    });

    it('refuses an expired token', async () => {
      const token = await mint(callRequest(), Date.now() - 10 * 60_000);

      const res = await post(token);

      expect(res.status).toBe(401);
      expect(res.body.error!.message).toMatch(/expired/);
    });

    it('refuses a token minted for another upstream', async () => {
      const token = await mint(callRequest({ audience: 'https://other-mcp.example.com/mcp' }));

      const res = await post(token);

      expect(res.status).toBe(401);
      expect(res.body.error!.message).toMatch(/another audience/);
    });

    it('refuses a token whose arguments hash does not match the arguments sent, and runs nothing', async () => {
      const token = await mint(callRequest());
      const receivedBefore = upstream.received.length;

      const res = await post(token, { sql: 'DROP TABLE customers' });

      expect(res.status).toBe(401);
      expect(res.body.error!.message).toMatch(/other arguments/);
      expect(upstream.received.length).toBe(receivedBefore);
      expect(upstream.db.prepare("SELECT name FROM sqlite_master WHERE name = 'customers'").all()).toHaveLength(1);
    });

    it('refuses a token minted for another tool, and a token Airlock sent for another message (initialize)', async () => {
      const forListTables = await mint(callRequest({}, {}));
      const forInitialize = await mint({ audience: upstream.url, lifetimeSeconds: 60, method: 'initialize' });

      const otherTool = await post(forListTables, {}, 'list_tables');
      const otherMessage = await post(forInitialize);

      expect(otherTool.status).toBe(401);
      expect(otherTool.body.error!.message).toMatch(/another tool/);
      expect(otherMessage.status).toBe(401);
      expect(otherMessage.body.error!.message).toMatch(/another message/);
    });

    it('refuses a token signed by a key that is not in the JWKS, and one crafted to live longer than five minutes', async () => {
      const otherDir = await mkdtemp(join(tmpdir(), 'airlock-other-key-'));
      const otherKey = await loadOrCreateCallTokenKey(join(otherDir, 'key.json'));
      const forged = await mintCallToken({ signer: otherKey, issuer: () => base }, callRequest());
      // Crafted with jose and the gateway's own private key: everything valid except the lifetime.
      const keyFile = JSON.parse(await readFile(join(gateway.env().AIRLOCK_DATA_DIR!, 'mcp-call-token-key.json'), 'utf8')) as { privateJwk: JWK };
      const now = Math.floor(Date.now() / 1000);
      const longLived = await new SignJWT({ act: { sub: 'airlock' }, mcp_method: 'tools/call', tool: 'run_sql', args_sha256: argumentsSha256({ sql: SQL }) })
        .setProtectedHeader({ alg: 'ES256', typ: 'airlock-mcp+jwt', kid: (await signer.publicKey()).kid })
        .setIssuer(base)
        .setAudience(upstream.url)
        .setSubject('mallory')
        .setJti('crafted-1')
        .setIssuedAt(now)
        .setNotBefore(now)
        .setExpirationTime(now + 3600)
        .sign(await importJWK(keyFile.privateJwk, 'ES256'));

      const unknownKey = await post(forged);
      const tooLong = await post(longLived);
      await rm(otherDir, { recursive: true, force: true });

      expect(unknownKey.status).toBe(401);
      expect(unknownKey.body.error!.message).toMatch(/unknown key/);
      expect(tooLong.status).toBe(401);
      expect(tooLong.body.error!.message).toMatch(/lifetime exceeds 5 minutes/);
    });

    it('refuses a request without a token', async () => {
      const res = await fetch(upstream.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });

      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    });

    it('carries the kid of the published key in its header', async () => {
      expect(decodeProtectedHeader(await mint(callRequest()))).toEqual({ alg: 'ES256', typ: 'airlock-mcp+jwt', kid: (await signer.publicKey()).kid });
    });
  });
});

describe('npm start with AIRLOCK_MCP_EXAMPLE_CREDENTIAL=per-call-token', () => {
  let dataDir: string;
  let runtime: LocalRuntime;
  let client: Client;
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'airlock-call-token-runtime-'));
    const config = readConfig('local', { AIRLOCK_PORT: '0', AIRLOCK_DATA_DIR: dataDir, AIRLOCK_MCP_EXAMPLE_CREDENTIAL: 'per-call-token' });
    runtime = await startLocalRuntime({ config, persist: false, logger: quiet });
    client = new Client({ name: 'e2e-agent', version: '1.0.0' });
    const token = await runtime.devIssuer.mint({ sub: 'dana', groups: ['llm-users'] });
    await client.connect(new StreamableHTTPClientTransport(new URL(runtime.mcpUrl), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await runtime?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('registers the example upstream without a static credential; it verifies the runtime’s tokens against the runtime’s own JWKS', async () => {
    const result = await client.callTool({ name: 'db.list_tables', arguments: {} });

    expect(result.isError).toBeFalsy();
    expect(text(result)).toContain('customers');
    expect(runtime.exampleMcp!.token).toBeUndefined();
    expect(runtime.exampleMcp!.verifiedTokens.find((c) => c.mcp_method === 'tools/call')).toMatchObject({
      iss: runtime.baseUrl,
      aud: runtime.exampleMcp!.url,
      sub: 'dana',
      tool: 'list_tables',
      args_sha256: argumentsSha256({}),
    });
  });
});
