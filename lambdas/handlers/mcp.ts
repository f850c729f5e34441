import { awsMcpAdapters } from '../aws/mcp-adapters';
import { lambdaRuntime } from '../aws/lambda-stream';
import { createProxyHandler } from '../aws/proxy-handler';
import { composeMcpGateway } from '../gateway/compose-mcp';
import { readConfig } from '../shared/config';

/**
 * The MCP function: `/mcp` (bearer, via the TOKEN authorizer) and the unauthenticated RFC 9728
 * document. A function of its own, so the SQL and shell parsers stay out of the chat proxy's bundle.
 */
const config = readConfig('mcp');
const mcp = composeMcpGateway(awsMcpAdapters(config));

export const handler = createProxyHandler(mcp.app, lambdaRuntime(), config.AIRLOCK_MAX_BODY_BYTES, mcp.renderError);
