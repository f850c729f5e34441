import { CognitoJwtVerifier } from 'aws-jwt-verify';
import type { McpDeps } from '../gateway/mcp/upstreams';
import { mcpUpstreamClient } from '../providers/mcp-upstream';
import type { ConfigOf, McpUpstreamConfig } from '../shared/config';
import { logger } from '../shared/logger';
import { cachedSecret } from './secret-value';
import { secretsClient } from './secrets';

/**
 * The MCP gateway's dependencies inside Lambda: the upstreams from AIRLOCK_MCP_UPSTREAMS, each
 * credential read from its Secrets Manager secret on first use (a plain string), and the issuers
 * the RFC 9728 document names (the Cognito pool, the trusted OIDC issuers).
 */
export function awsMcpDeps(config: ConfigOf<'mcp'>): McpDeps {
  return {
    upstreams: config.AIRLOCK_MCP_UPSTREAMS.map((u) => ({
      name: u.name,
      groups: u.groups,
      client: mcpUpstreamClient({
        url: u.url,
        timeoutMs: config.AIRLOCK_MCP_TIMEOUT_MS,
        ...(u.credential ? { credential: secretCredential(u) } : {}),
        onRefusedRequest: (method) => logger.warn('mcp upstream request refused', { upstream: u.name, method }),
      }),
      ...(u.pins ? { pins: u.pins } : {}),
      ...(u.trustOnFirstUse !== undefined ? { trustOnFirstUse: u.trustOnFirstUse } : {}),
    })),
    authorizationServers: [
      ...(config.AIRLOCK_COGNITO_USER_POOL_ID ? [CognitoJwtVerifier.parseUserPoolId(config.AIRLOCK_COGNITO_USER_POOL_ID).issuer] : []),
      ...config.AIRLOCK_OIDC_ISSUERS.map((i) => i.issuer),
    ],
    publicBaseUrl: config.AIRLOCK_PUBLIC_BASE_URL,
  };
}

/** The upstream's credential, with the same bounded lifetime as every other secret (a rotation is seen within a minute). */
function secretCredential(upstream: McpUpstreamConfig): () => Promise<{ header: string; value: string }> {
  const c = upstream.credential!;
  if (!c.secretArn) throw new Error(`MCP upstream ${upstream.name}: in AWS its credential must be a Secrets Manager secret (credential.secretArn)`);
  const scheme = c.scheme ?? (c.header.toLowerCase() === 'authorization' ? 'Bearer' : undefined);
  return cachedSecret({
    client: secretsClient,
    secretId: c.secretArn,
    parse: (secretString) => {
      const value = secretString?.trim();
      if (!value) throw new Error(`MCP upstream ${upstream.name}: its secret is empty`);
      return { header: c.header, value: scheme ? `${scheme} ${value}` : value };
    },
  });
}
