import type { AirlockError } from '../../shared/errors';
import { jsonRpcError, MCP_ERRORS } from './json-rpc-errors';
import { bearerChallenge, publicBaseUrl } from './protected-resource';
import type { McpDeps } from './upstreams';

/**
 * An error raised before `/mcp` reaches its handler (token refused, body too large), rendered the
 * MCP way: a JSON-RPC body, and for a 401 the challenge naming the RFC 9728 metadata, so an MCP
 * client can discover where to sign in.
 */
export function mcpTransportError(
  err: AirlockError,
  mcp: Pick<McpDeps, 'publicBaseUrl'>,
  headers: Record<string, string>,
): { status: number; headers: Record<string, string>; body: unknown } {
  if (err.status === 401) {
    const challenge = bearerChallenge(publicBaseUrl(mcp, { headers }));
    return {
      status: 401,
      headers: { 'www-authenticate': headers.authorization ? `${challenge}, error="invalid_token"` : challenge },
      body: jsonRpcError(null, MCP_ERRORS.unauthorized, err.message),
    };
  }
  if (err.status === 413) return { status: 413, headers: { connection: 'close' }, body: jsonRpcError(null, MCP_ERRORS.messageTooLarge, err.message) };
  return { status: err.status, headers: err.headers, body: jsonRpcError(null, MCP_ERRORS.internalError, err.message) };
}
