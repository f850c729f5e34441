import { composeMcpGateway } from '../../../lambdas/gateway/compose-mcp';
import type { CallTokenSigner } from '../../../lambdas/gateway/mcp/call-tokens';
import { bufferedSink } from '../../../lambdas/aws/buffered-sink';
import type { GatewayRequest } from '../../../lambdas/gateway/http';
import type { AirlockLogger } from '../../../lambdas/shared/logger';
import { defaultPolicy } from '../../support/in-memory-gateway';
import { InMemorySessionStore, InMemoryTranscriptStore } from '../../support/in-memory-stores';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } as unknown as AirlockLogger;

/** GET /.well-known/jwks.json through the MCP function's real router, without a principal. */
async function getJwks(callTokenSigner?: CallTokenSigner) {
  const sessions = new InMemorySessionStore();
  const { app } = composeMcpGateway({
    policy: defaultPolicy,
    sessions,
    transcripts: new InMemoryTranscriptStore(),
    queries: sessions,
    logger: quiet,
    clock: { now: () => Date.now(), monotonic: () => performance.now() },
    newId: () => 'S1',
    mcp: { upstreams: [], authorizationServers: [], ...(callTokenSigner ? { callTokenSigner } : {}) },
  });
  const sink = bufferedSink();
  const req: GatewayRequest = { method: 'GET', path: '/.well-known/jwks.json', query: {}, headers: {}, body: '', receivedAt: performance.now() };
  await app(req, sink);
  const { statusCode, headers, body } = sink.result();
  return { status: statusCode, headers, json: JSON.parse(body) as Record<string, any> };
}

describe('JWKS route (GET /.well-known/jwks.json)', () => {
  const jwk = { kty: 'EC', crv: 'P-256', x: 'x-coordinate', y: 'y-coordinate' } as const;

  it('serves the signer’s public key with its kid, cacheable, without a token', async () => {
    const signer: CallTokenSigner = { alg: 'ES256', publicKey: async () => ({ kid: 'k1', jwk }), sign: async () => new Uint8Array(64) };

    const res = await getJwks(signer);

    expect(res.status).toBe(200);
    expect(res.json).toEqual({ keys: [{ ...jwk, kid: 'k1', alg: 'ES256', use: 'sig' }] });
    expect(res.headers['cache-control']).toBe('public, max-age=300');
  });

  it('serves an empty key set when no signing key is configured', async () => {
    expect((await getJwks()).json).toEqual({ keys: [] });
  });

  it('answers 503 auth_unavailable when the key cannot be read (KMS down), never the cause', async () => {
    const signer: CallTokenSigner = {
      alg: 'ES256',
      publicKey: () => Promise.reject(new Error('connect ETIMEDOUT kms.eu-west-1.amazonaws.com')),
      sign: async () => new Uint8Array(64),
    };

    const res = await getJwks(signer);

    expect(res.status).toBe(503);
    expect(res.json.error).toMatchObject({ code: 'auth_unavailable', type: 'server_error' });
    expect(JSON.stringify(res.json)).not.toContain('ETIMEDOUT');
  });
});
