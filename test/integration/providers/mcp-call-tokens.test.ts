import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { argumentsSha256 } from '../../../lambdas/gateway/mcp/canonical-arguments';
import { callTokenCredentialFor } from '../../../lambdas/gateway/mcp/call-token-credential';
import { callTokenJwks, JWKS_PATH, type CallTokenSigner } from '../../../lambdas/gateway/mcp/call-tokens';
import { McpUpstreamError } from '../../../lambdas/gateway/mcp/upstreams';
import { mcpUpstreamClient } from '../../../lambdas/providers/mcp-upstream';
import type { AirlockLogger } from '../../../lambdas/shared/logger';
import { loadOrCreateCallTokenKey } from '../../../local/call-token-key';
import { startExampleMcpUpstream, type ExampleMcpUpstream } from '../../../local/example-mcp-upstream';

const CALL = { caller: { sub: 'carol', issuer: 'https://idp.example.com' }, sessionId: '01JZCALL000000000000000000' };

describe('MCP upstream client with per-call tokens (the example upstream verifying them)', () => {
  let dir: string;
  let signer: CallTokenSigner;
  let jwksServer: Server;
  let issuer: string;
  let upstream: ExampleMcpUpstream;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'airlock-mcp-call-tokens-'));
    signer = await loadOrCreateCallTokenKey(join(dir, 'key.json'));
    // The issuer's JWKS, served as the gateway serves it.
    jwksServer = createServer(async (req, res) => {
      if (req.url !== JWKS_PATH) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(await callTokenJwks(signer)));
    });
    await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', () => r()));
    issuer = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}`;
    upstream = await startExampleMcpUpstream({
      callTokens: { issuer: () => issuer, jwksUrl: () => `${issuer}${JWKS_PATH}`, audience: () => 'urn:airlock:test-db' },
    });
  });
  afterAll(async () => {
    await upstream.close();
    await new Promise((r) => jwksServer.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  const clientWith = (s: CallTokenSigner, header?: string, logger?: Pick<AirlockLogger, 'error'>) =>
    mcpUpstreamClient({
      url: upstream.url,
      timeoutMs: 10_000,
      messageCredential: callTokenCredentialFor(
        { url: upstream.url, credential: { mode: 'per-call-token', header: header ?? 'authorization', audience: 'urn:airlock:test-db', lifetimeSeconds: 30 } },
        { signer: s, issuer: () => issuer },
        logger,
      ),
    });

  it('sends a fresh token with every request: initialize and tools/list as Airlock, tools/call as the caller', async () => {
    const client = clientWith(signer);
    const before = upstream.verifiedTokens.length;

    await client.listTools();
    const result = await client.callTool('list_tables', {}, undefined, CALL);
    await client.close();

    const tokens = upstream.verifiedTokens.slice(before);
    expect(result.isError).toBeFalsy();
    expect(tokens.map((t) => t.mcp_method)).toEqual(expect.arrayContaining(['initialize', 'notifications/initialized', 'tools/list', 'tools/call']));
    expect(tokens.filter((t) => t.mcp_method !== 'tools/call').every((t) => t.sub === 'airlock' && t.act === undefined)).toBe(true);
    expect(tokens.find((t) => t.mcp_method === 'tools/call')).toMatchObject({
      sub: 'carol',
      aud: 'urn:airlock:test-db',
      tool: 'list_tables',
      airlock_session: CALL.sessionId,
    });
    expect(new Set(tokens.map((t) => t.jti)).size).toBe(tokens.length);
    expect(tokens.every((t) => t.exp! - t.iat! === 30)).toBe(true);
  });

  it('keeps each concurrent call’s token bound to its own caller and arguments on one shared connection', async () => {
    const client = clientWith(signer);
    const before = upstream.verifiedTokens.length;

    await Promise.all(
      ['dave', 'erin', 'frank'].map((sub, i) =>
        client.callTool('run_sql', { sql: `SELECT ${i} AS n` }, undefined, { ...CALL, caller: { ...CALL.caller, sub } }),
      ),
    );
    await client.close();

    const calls = upstream.verifiedTokens.slice(before).filter((t) => t.mcp_method === 'tools/call');
    expect(Object.fromEntries(calls.map((t) => [t.sub, t.args_sha256]))).toEqual({
      dave: argumentsSha256({ sql: 'SELECT 0 AS n' }),
      erin: argumentsSha256({ sql: 'SELECT 1 AS n' }),
      frank: argumentsSha256({ sql: 'SELECT 2 AS n' }),
    });
  });

  it('refuses to send a tools/call without its caller, and the upstream runs nothing', async () => {
    const client = clientWith(signer);
    const received = upstream.received.length;

    const failure = await client.callTool('run_sql', { sql: 'SELECT 1' }).catch((e: unknown) => e);
    await client.close();

    expect(failure).toBeInstanceOf(McpUpstreamError);
    expect((failure as McpUpstreamError).kind).toBe('unavailable');
    expect((failure as McpUpstreamError).message).toBe('a tool call without its caller gets no per-call token');
    expect(upstream.received.length).toBe(received);
  });

  it('fails closed when the signer fails: no request without a token', async () => {
    const broken: CallTokenSigner = {
      alg: 'ES256',
      publicKey: () => signer.publicKey(),
      sign: () => Promise.reject(Object.assign(new Error('KMS throttled'), { name: 'ThrottlingException' })),
    };
    const logged: Array<[string, object]> = [];
    const client = clientWith(broken, undefined, { error: (message: string, extra: object) => void logged.push([message, extra]) } as Pick<
      AirlockLogger,
      'error'
    >);
    const before = upstream.verifiedTokens.length;

    const failure = await client.listTools().catch((e: unknown) => e);
    await client.close();

    expect(failure).toBeInstanceOf(McpUpstreamError);
    expect(((failure as McpUpstreamError).cause as Error).message).toBe('KMS throttled');
    expect(upstream.verifiedTokens.length).toBe(before);
    expect(logged[0]).toEqual(['mcp per-call token could not be minted', { method: 'initialize', error: { name: 'ThrottlingException' } }]);
  });

  it('is refused by the upstream when the token travels in a header the upstream does not read', async () => {
    const client = clientWith(signer, 'x-airlock-call-token');

    const failure = await client.listTools().catch((e: unknown) => e);
    await client.close();

    expect(failure).toBeInstanceOf(McpUpstreamError);
    expect((failure as McpUpstreamError).message).toMatch(/HTTP 401/);
  });
});
