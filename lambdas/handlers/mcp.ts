import { PROTECTED_RESOURCE_PATH, protectedResourceHandler } from '../gateway/mcp/protected-resource';
import { mcpTransportError } from '../gateway/mcp/transport-errors';
import { MCP_ROUTES } from '../gateway/mcp/mcp-routes';
import { createGatewayApp } from '../gateway/router';
import { readRuntimeConfig } from '../shared/config';
import { lambdaGatewayDeps } from './gateway-runtime';
import { lambdaRuntime } from './lambda-stream';
import { lambdaMcpDeps } from './mcp-runtime';
import { createProxyHandler } from './proxy-handler';

/**
 * The MCP function: `/mcp` (bearer, via the TOKEN authorizer) and the unauthenticated RFC 9728
 * document. A function of its own, so the SQL and shell parsers stay out of the chat proxy's bundle.
 */
const config = readRuntimeConfig();
const deps = { ...lambdaGatewayDeps(config), mcp: lambdaMcpDeps(config) };
const mcp = createGatewayApp(deps, MCP_ROUTES);
const metadata = protectedResourceHandler(deps.mcp);

export const handler = createProxyHandler(
  (req, sink) => (req.path.startsWith(PROTECTED_RESOURCE_PATH) ? metadata(req, sink) : mcp(req, sink)),
  lambdaRuntime(),
  config.AIRLOCK_MAX_BODY_BYTES,
  (err, headers) => mcpTransportError(err, deps.mcp, headers),
);
