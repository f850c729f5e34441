import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callTokenJwks, JWKS_PATH, mintCallToken, type CallTokenRequest } from '../lambdas/gateway/mcp/call-tokens';
import { loadOrCreateCallTokenKey } from '../local/call-token-key';
import { callTokenVerifier } from '../local/call-token-verifier';
import { percentile, round, type Figure } from './stats';

/**
 * What a per-call token costs, in process: minting one with the local key (what the local runtime
 * adds to each forwarded call; in AWS a KMS Sign call replaces the signature) and verifying one as
 * the example upstream does (JWKS fetched once, then cached). 2 000 of each after 200 warm-up.
 */
export async function runMcpCallTokenBench(): Promise<Figure[]> {
  const dir = await mkdtemp(join(tmpdir(), 'airlock-bench-tokens-'));
  const signer = await loadOrCreateCallTokenKey(join(dir, 'key.json'));
  const jwks = createServer(async (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(await callTokenJwks(signer))));
  await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', () => r()));
  const issuer = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}`;
  const verifier = callTokenVerifier({ issuer: () => issuer, jwksUrl: () => `${issuer}${JWKS_PATH}`, audience: () => 'urn:bench' });
  const args = { sql: "SELECT name, city FROM customers WHERE city = 'Lyon' LIMIT 5" };
  const request: CallTokenRequest = {
    audience: 'urn:bench',
    lifetimeSeconds: 60,
    method: 'tools/call',
    call: {
      tool: 'run_sql',
      arguments: args,
      caller: { sub: 'bench', issuer: 'http://localhost/airlock-dev-issuer' },
      sessionId: '01JZBENCH00000000000000000',
    },
  };
  const message = { method: 'tools/call', params: { name: 'run_sql', arguments: args } };
  try {
    const mintMs: number[] = [];
    const verifyMs: number[] = [];
    for (let i = 0; i < 2200; i++) {
      const t0 = performance.now();
      const token = await mintCallToken({ signer, issuer: () => issuer }, request);
      const t1 = performance.now();
      await verifier.verify(`Bearer ${token}`, message);
      const t2 = performance.now();
      if (i >= 200) {
        mintMs.push(t1 - t0);
        verifyMs.push(t2 - t1);
      }
    }
    return [
      { name: 'mcp_call_token_mint_p50_ms', value: round(percentile(mintMs, 50)), unit: 'ms', samples: mintMs.length, signer: 'local P-256 key' },
      { name: 'mcp_call_token_mint_p99_ms', value: round(percentile(mintMs, 99)), unit: 'ms', samples: mintMs.length, signer: 'local P-256 key' },
      {
        name: 'mcp_call_token_verify_p50_ms',
        value: round(percentile(verifyMs, 50)),
        unit: 'ms',
        samples: verifyMs.length,
        verifier: 'local/call-token-verifier.ts (jose)',
      },
      {
        name: 'mcp_call_token_verify_p99_ms',
        value: round(percentile(verifyMs, 99)),
        unit: 'ms',
        samples: verifyMs.length,
        verifier: 'local/call-token-verifier.ts (jose)',
      },
    ];
  } finally {
    await new Promise((r) => jwks.close(r));
    await rm(dir, { recursive: true, force: true });
  }
}
