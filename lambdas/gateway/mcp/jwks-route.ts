import { AirlockError } from '../../shared/errors';
import type { GatewayRequest, ResponseSink } from '../http';
import { sendJson } from '../http';
import { callTokenJwks } from './call-tokens';
import type { McpDeps } from './upstreams';

/**
 * `GET /.well-known/jwks.json`, unauthenticated: the public key upstream MCP servers verify
 * Airlock's per-call tokens with (an empty set when no signing key is configured). Cached for five
 * minutes: a verifier that meets an unknown `kid` fetches again.
 */
export function jwksHandler(mcp: McpDeps) {
  return async (_req: GatewayRequest, sink: ResponseSink): Promise<void> => {
    let jwks: { keys: unknown[] };
    try {
      jwks = mcp.callTokenSigner ? await callTokenJwks(mcp.callTokenSigner) : { keys: [] };
    } catch (err) {
      throw new AirlockError('auth_unavailable', 'The verification keys cannot be read right now; try again shortly.', { cause: err });
    }
    await sendJson(sink, 200, jwks, { 'cache-control': 'public, max-age=300' });
  };
}
