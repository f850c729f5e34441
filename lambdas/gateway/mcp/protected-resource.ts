import type { GatewayRequest, ResponseSink } from '../http';
import { sendJson } from '../http';
import type { McpDeps } from './upstreams';

export const PROTECTED_RESOURCE_PATH = '/.well-known/oauth-protected-resource';

/** The public base URL: configured, else from the request (the local runtime, a custom domain behind a proxy). */
export function publicBaseUrl(mcp: Pick<McpDeps, 'publicBaseUrl'>, req: Pick<GatewayRequest, 'headers'>): string {
  if (mcp.publicBaseUrl) return mcp.publicBaseUrl.replace(/\/+$/, '');
  const host = req.headers['x-forwarded-host'] ?? req.headers.host ?? 'localhost';
  const proto = req.headers['x-forwarded-proto'] ?? (/^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(host) ? 'http' : 'https');
  return `${proto.split(',')[0]!.trim()}://${host.split(',')[0]!.trim()}`;
}

/** The 401 challenge MCP clients follow to discover how to sign in (MCP Authorization, RFC 9728 §5.1). */
export const bearerChallenge = (baseUrl: string): string => `Bearer resource_metadata="${baseUrl}${PROTECTED_RESOURCE_PATH}"`;

/**
 * `GET /.well-known/oauth-protected-resource` (RFC 9728), unauthenticated: the resource is `/mcp`,
 * its authorization servers are the issuers whose tokens Airlock accepts.
 */
export function protectedResourceHandler(mcp: McpDeps) {
  return async (req: GatewayRequest, sink: ResponseSink): Promise<void> => {
    const base = publicBaseUrl(mcp, req);
    await sendJson(
      sink,
      200,
      {
        resource: `${base}/mcp`,
        authorization_servers: [...mcp.authorizationServers],
        bearer_methods_supported: ['header'],
        resource_name: 'Airlock MCP gateway',
      },
      { 'cache-control': 'public, max-age=300' },
    );
  };
}
