import type { Route } from '../router';
import { mcpMethodNotAllowed, mcpPost } from './mcp-route';

/**
 * The MCP gateway's routes (bearer-authenticated; the 401 carries the RFC 9728 challenge, rendered
 * by the transport). Kept out of router.ts so the chat proxy does not bundle the MCP SDK.
 */
export const MCP_ROUTES: Route[] = [{ path: '/mcp', methods: { POST: mcpPost, GET: mcpMethodNotAllowed, DELETE: mcpMethodNotAllowed } }];
