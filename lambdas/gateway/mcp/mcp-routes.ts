import type { RouteHandler } from '../router';
import { mcpMethodNotAllowed, mcpPost } from './mcp-route';
import { jwksHandler } from './jwks-route';
import { protectedResourceHandler } from './protected-resource';

/**
 * The use cases of the routes the MCP function serves (lambdas/gateway/routes.ts), by `METHOD path`.
 * Kept out of router.ts so the chat proxy does not bundle the MCP SDK.
 */
export const MCP_USE_CASES: Record<string, RouteHandler> = {
  'POST /mcp': mcpPost,
  'GET /mcp': mcpMethodNotAllowed,
  'DELETE /mcp': mcpMethodNotAllowed,
  'GET /.well-known/oauth-protected-resource': async (deps, req, sink) => {
    if (!deps.mcp) throw new Error('the MCP gateway is not configured');
    await protectedResourceHandler(deps.mcp)(req, sink);
  },
  'GET /.well-known/jwks.json': async (deps, req, sink) => {
    if (!deps.mcp) throw new Error('the MCP gateway is not configured');
    await jwksHandler(deps.mcp)(req, sink);
  },
};
