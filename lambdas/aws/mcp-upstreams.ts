import { CognitoJwtVerifier } from 'aws-jwt-verify';
import type { McpDeps } from '../gateway/mcp/upstreams';
import type { CallTokenMinter } from '../gateway/mcp/call-tokens';
import { callTokenCredentialFor, usesCallTokens } from '../gateway/mcp/call-token-credential';
import { mcpUpstreamClient, type McpUpstreamOptions } from '../providers/mcp-upstream';
import type { ConfigOf, McpUpstreamConfig } from '../shared/config';
import { logger } from '../shared/logger';
import { cachedSecret } from './secret-value';
import { kmsCallTokenSigner } from './kms-call-token-signer';
import { secretsClient } from './secrets';
import { DynamoAgentAnswers } from './dynamo-agent-answers';
import { allowedUpstreamRequests, type McpPolicy } from '../inspect/mcp-policy';

/**
 * The MCP gateway's dependencies inside Lambda: the upstreams from AIRLOCK_MCP_UPSTREAMS, each
 * credential read from its Secrets Manager secret on first use (a plain string) or minted per call
 * with the KMS signing key (AIRLOCK_MCP_CALL_TOKEN_KEY_ARN), what the policy lets each ask the agent,
 * and the issuers the RFC 9728 document names (the Cognito pool, the trusted OIDC issuers).
 */
export function awsMcpDeps(config: ConfigOf<'mcp'>, policy?: McpPolicy): McpDeps {
  const signer = config.AIRLOCK_MCP_CALL_TOKEN_KEY_ARN ? kmsCallTokenSigner({ keyId: config.AIRLOCK_MCP_CALL_TOKEN_KEY_ARN }) : undefined;
  const minter = signer && { signer, issuer: () => config.AIRLOCK_PUBLIC_BASE_URL.replace(/\/+$/, '') };
  return {
    upstreams: config.AIRLOCK_MCP_UPSTREAMS.map((u) => ({
      name: u.name,
      groups: u.groups,
      client: mcpUpstreamClient({
        url: u.url,
        timeoutMs: config.AIRLOCK_MCP_TIMEOUT_MS,
        ...upstreamCredential(u, minter),
        onRefusedRequest: (method) => logger.warn('mcp upstream request refused', { upstream: u.name, method }),
        allow: allowedUpstreamRequests(policy, u.name),
      }),
      ...(u.pins ? { pins: u.pins } : {}),
      ...(u.trustOnFirstUse !== undefined ? { trustOnFirstUse: u.trustOnFirstUse } : {}),
    })),
    ...(signer ? { callTokenSigner: signer } : {}),
    // The answer to a relayed request is posted to another invocation: it meets the call in the approval table.
    agentAnswers: new DynamoAgentAnswers({ tableName: config.AIRLOCK_APPROVAL_TABLE }),
    authorizationServers: [
      ...(config.AIRLOCK_COGNITO_USER_POOL_ID ? [CognitoJwtVerifier.parseUserPoolId(config.AIRLOCK_COGNITO_USER_POOL_ID).issuer] : []),
      ...config.AIRLOCK_OIDC_ISSUERS.map((i) => i.issuer),
    ],
    publicBaseUrl: config.AIRLOCK_PUBLIC_BASE_URL,
  };
}

/** A per-call-token upstream gets tokens signed by the KMS key; a static one its secret. */
function upstreamCredential(upstream: McpUpstreamConfig, minter: CallTokenMinter | undefined): Pick<McpUpstreamOptions, 'credential' | 'messageCredential'> {
  if (!upstream.credential) return {};
  if (!usesCallTokens(upstream)) return { credential: secretCredential(upstream) };
  if (!minter) throw new Error(`MCP upstream ${upstream.name}: per-call tokens need the signing key (AIRLOCK_MCP_CALL_TOKEN_KEY_ARN)`);
  return { messageCredential: callTokenCredentialFor(upstream, minter, logger) };
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
