import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { argumentsSha256, canonicalJson } from '../../../lambdas/gateway/mcp/canonical-arguments';
import { callTokenJwks, mintCallToken, type CallTokenRequest, type CallTokenSigner } from '../../../lambdas/gateway/mcp/call-tokens';
import { loadOrCreateCallTokenKey } from '../../../local/call-token-key';

const ISSUER = 'https://airlock.example.com/prod';
const AUDIENCE = 'https://db-mcp.internal.example.com/mcp';
const NOW = Date.UTC(2026, 11, 2, 8, 0, 0);

const callRequest = (overrides: Partial<CallTokenRequest> = {}): CallTokenRequest => ({
  audience: AUDIENCE,
  lifetimeSeconds: 60,
  method: 'tools/call',
  call: {
    tool: 'run_sql',
    arguments: { sql: 'SELECT 1', limit: 5 },
    caller: { sub: 'alice', issuer: 'https://idp.example.com' },
    sessionId: '01JZ0000000000000000000000',
  },
  ...overrides,
});

describe('per-call token minting', () => {
  let dir: string;
  let signer: CallTokenSigner;
  const mint = (request: CallTokenRequest, ids = ['jti-1']) =>
    mintCallToken({ signer, issuer: () => ISSUER, now: () => NOW, newId: () => ids.shift()! }, request);
  const verify = async (token: string) =>
    (
      await jwtVerify(token, createLocalJWKSet(await callTokenJwks(signer)), {
        issuer: ISSUER,
        audience: AUDIENCE,
        currentDate: new Date(NOW + 1000),
        typ: 'airlock-mcp+jwt',
      })
    ).payload;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'airlock-call-tokens-'));
    signer = await loadOrCreateCallTokenKey(join(dir, 'key.json'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('names the caller, Airlock as actor, the upstream, the tool and the arguments hash, signed ES256', async () => {
    const token = await mint(callRequest());

    expect(await verify(token)).toEqual({
      iss: ISSUER,
      aud: AUDIENCE,
      sub: 'alice',
      sub_id: { format: 'iss_sub', iss: 'https://idp.example.com', sub: 'alice' },
      act: { sub: 'airlock' },
      iat: NOW / 1000,
      nbf: NOW / 1000,
      exp: NOW / 1000 + 60,
      jti: 'jti-1',
      mcp_method: 'tools/call',
      tool: 'run_sql',
      args_sha256: argumentsSha256({ limit: 5, sql: 'SELECT 1' }),
      airlock_session: '01JZ0000000000000000000000',
    });
  });

  it('carries the kid of the published key, its RFC 7638 thumbprint, in the header', async () => {
    const jwks = await callTokenJwks(signer);

    const header = decodeProtectedHeader(await mint(callRequest()));

    expect(header).toEqual({ alg: 'ES256', typ: 'airlock-mcp+jwt', kid: jwks.keys[0]!.kid });
    expect(jwks.keys[0]!.kid).toBe(await calculateJwkThumbprint(jwks.keys[0]!));
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('names the approval a reviewed call runs under', async () => {
    const request = callRequest();

    const claims = await verify(await mint({ ...request, call: { ...request.call!, approvalId: 'A-42' } }));

    expect(claims.airlock_approval).toBe('A-42');
  });

  it('mints tokens for Airlock’s own messages (initialize, tools/list) with Airlock as subject and no tool claims', async () => {
    const claims = await verify(await mint({ audience: AUDIENCE, lifetimeSeconds: 30, method: 'tools/list' }));

    expect(claims).toMatchObject({ sub: 'airlock', mcp_method: 'tools/list', exp: NOW / 1000 + 30 });
    expect(claims).not.toHaveProperty('act');
    expect(claims).not.toHaveProperty('tool');
    expect(claims).not.toHaveProperty('args_sha256');
  });

  it('refuses a lifetime over five minutes or under a second, and accepts exactly five minutes', async () => {
    await expect(mint(callRequest({ lifetimeSeconds: 301 }))).rejects.toThrow(RangeError);
    await expect(mint(callRequest({ lifetimeSeconds: 0 }))).rejects.toThrow(RangeError);
    await expect(mint(callRequest({ lifetimeSeconds: 1.5 }))).rejects.toThrow(RangeError);

    const claims = await verify(await mint(callRequest({ lifetimeSeconds: 300 })));
    expect(claims.exp! - claims.iat!).toBe(300);
  });

  it('gives every token its own jti by default', async () => {
    const minter = { signer, issuer: () => ISSUER };

    const [a, b] = await Promise.all([mintCallToken(minter, callRequest()), mintCallToken(minter, callRequest())]);

    expect((await jwtVerify(a, createLocalJWKSet(await callTokenJwks(signer)))).payload.jti).not.toBe(
      (await jwtVerify(b, createLocalJWKSet(await callTokenJwks(signer)))).payload.jti,
    );
  });
});

describe('local call-token key file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'airlock-call-token-key-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('is created once, readable only by its owner, and gives the same key on the next start', async () => {
    const file = join(dir, 'data', 'key.json');

    const first = await loadOrCreateCallTokenKey(file);
    const second = await loadOrCreateCallTokenKey(file);

    expect((await second.publicKey()).kid).toBe((await first.publicKey()).kid);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ version: 1, privateJwk: { kty: 'EC', crv: 'P-256' } });
  });

  it('agrees on one key when two processes create it at once', async () => {
    const file = join(dir, 'key.json');

    const [a, b] = await Promise.all([loadOrCreateCallTokenKey(file), loadOrCreateCallTokenKey(file)]);

    expect((await a.publicKey()).kid).toBe((await b.publicKey()).kid);
  });

  it('refuses a damaged file with what to do, never a stack of JSON errors', async () => {
    const file = join(dir, 'key.json');
    await writeFile(file, '{"version":1,"privateJwk":{"kty":"RSA"}}');

    await expect(loadOrCreateCallTokenKey(file)).rejects.toThrow(`MCP call-token key file ${file} is not valid; delete it to create a new key`);
  });
});

describe('canonical arguments (RFC 8785 JSON canonicalization)', () => {
  it('sorts members by UTF-16 code units at every level and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' }, '€': 0, '\u00e9': 1, A: 2 })).toBe(
      '{"A":2,"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1,"é":1,"€":0}',
    );
  });

  it('writes numbers and strings as RFC 8785 does', () => {
    expect(canonicalJson([1e21, 0.1, -0, 1.5e-7, 100, 'line\nbreak "q" \u001f é'])).toBe('[1e+21,0.1,0,1.5e-7,100,"line\\nbreak \\"q\\" \\u001f é"]');
  });

  it('leaves out members whose value is undefined, as JSON does on the wire', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson(JSON.parse(JSON.stringify({ a: 1, b: undefined }))));
    expect(canonicalJson([undefined])).toBe('[null]');
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(TypeError);
  });

  it('hashes the same arguments in any member order alike, absent arguments as {}', () => {
    expect(argumentsSha256({ sql: 'SELECT 1', limit: 5 })).toBe(argumentsSha256({ limit: 5, sql: 'SELECT 1' }));
    expect(argumentsSha256({ sql: 'SELECT 1' })).not.toBe(argumentsSha256({ sql: 'SELECT 2' }));
    expect(argumentsSha256(undefined)).toBe(argumentsSha256({}));
    expect(argumentsSha256({})).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
