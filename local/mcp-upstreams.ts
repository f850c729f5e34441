import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { McpUpstream } from '../lambdas/gateway/mcp/upstreams';
import { allowedUpstreamRequests, type McpPolicy } from '../lambdas/inspect/mcp-policy';
import { JWKS_PATH, type CallTokenMinter } from '../lambdas/gateway/mcp/call-tokens';
import { callTokenCredentialFor, usesCallTokens } from '../lambdas/gateway/mcp/call-token-credential';
import { mcpUpstreamClient } from '../lambdas/providers/mcp-upstream';
import type { McpUpstreamConfig } from '../lambdas/shared/config';
import type { AirlockLogger } from '../lambdas/shared/logger';
import { startExampleMcpUpstream, type ExampleMcpUpstream } from './example-mcp-upstream';

/** The name the example SQLite upstream is registered under: its tools are `db.run_sql`, `db.list_tables`. */
export const EXAMPLE_UPSTREAM_NAME = 'db';

/**
 * The local runtime's MCP upstreams: those configured (credentials from an environment variable or
 * a file, or per-call tokens signed with the local key), and unless switched off or a configured
 * one takes the name, the example SQLite upstream with a credential made at start (or verifying
 * per-call tokens against the runtime's JWKS URL).
 */
export async function localMcpUpstreams(options: {
  configured: readonly McpUpstreamConfig[];
  example: boolean;
  exampleGroups: readonly string[];
  /** `per-call-token`: the example verifies Airlock's per-call tokens instead of a static credential. */
  exampleCredential?: 'static' | 'per-call-token';
  timeoutMs: number;
  env: Record<string, string | undefined>;
  /** Mints per-call tokens (the local key file) for upstreams registered with `credential.mode: per-call-token`. */
  callTokens: CallTokenMinter;
  /** Told of each sampling, elicitation or roots request an upstream sent and Airlock refused. */
  logger?: Pick<AirlockLogger, 'warn'>;
  /** The policy's `mcp` section: which upstreams may ask the agent for sampling or elicitation. */
  policy?: McpPolicy;
}): Promise<{ upstreams: McpUpstream[]; example?: ExampleMcpUpstream }> {
  const refused = (upstream: string) => (method: string) => options.logger?.warn('mcp upstream request refused', { upstream, method });
  const allow = (upstream: string) => ({ allow: allowedUpstreamRequests(options.policy, upstream), onRefusedRequest: refused(upstream) });
  const upstreams = options.configured.map((cfg) => ({
    name: cfg.name,
    groups: cfg.groups,
    client: mcpUpstreamClient({
      url: cfg.url,
      timeoutMs: options.timeoutMs,
      ...(usesCallTokens(cfg) ? { messageCredential: callTokenCredentialFor(cfg, options.callTokens) } : { credential: localCredential(cfg, options.env) }),
      ...allow(cfg.name),
    }),
    ...pinningOf(cfg),
  }));
  if (!options.example || upstreams.some((u) => u.name === EXAMPLE_UPSTREAM_NAME)) return { upstreams };
  if (options.exampleCredential === 'per-call-token') {
    const issuer = () => options.callTokens.issuer();
    const example = await startExampleMcpUpstream({ callTokens: { issuer, jwksUrl: () => `${issuer()}${JWKS_PATH}` } });
    const registration = { url: example.url, credential: { mode: 'per-call-token', header: 'authorization' } as const };
    upstreams.push({
      name: EXAMPLE_UPSTREAM_NAME,
      groups: [...options.exampleGroups],
      client: mcpUpstreamClient({ url: example.url, timeoutMs: options.timeoutMs, messageCredential: callTokenCredentialFor(registration, options.callTokens), ...allow(EXAMPLE_UPSTREAM_NAME) }),
    });
    return { upstreams, example };
  }
  const token = randomBytes(24).toString('base64url');
  const example = await startExampleMcpUpstream({ token });
  upstreams.push({
    name: EXAMPLE_UPSTREAM_NAME,
    groups: [...options.exampleGroups],
    client: mcpUpstreamClient({
      url: example.url,
      timeoutMs: options.timeoutMs,
      credential: async () => ({ header: 'authorization', value: `Bearer ${token}` }),
      ...allow(EXAMPLE_UPSTREAM_NAME),
    }),
  });
  return { upstreams, example };
}

/** The upstream's pins and first-use trust from its registration. */
export function pinningOf(cfg: McpUpstreamConfig): Pick<McpUpstream, 'pins' | 'trustOnFirstUse'> {
  return { ...(cfg.pins ? { pins: cfg.pins } : {}), ...(cfg.trustOnFirstUse !== undefined ? { trustOnFirstUse: cfg.trustOnFirstUse } : {}) };
}

function localCredential(cfg: McpUpstreamConfig, env: Record<string, string | undefined>) {
  const c = cfg.credential;
  if (!c) return undefined;
  if (c.secretArn && !c.env && !c.file) throw new Error(`MCP upstream ${cfg.name}: a Secrets Manager credential needs AWS; locally use credential.env or credential.file`);
  return async () => {
    const raw = c.env ? env[c.env] : c.file ? (await readFile(c.file, 'utf8')).trim() : undefined;
    if (!raw) throw new Error(`MCP upstream ${cfg.name}: its credential (${c.env ? `env ${c.env}` : `file ${c.file}`}) is empty`);
    const scheme = c.scheme ?? (c.header.toLowerCase() === 'authorization' ? 'Bearer' : undefined);
    return { header: c.header, value: scheme ? `${scheme} ${raw}` : raw };
  };
}
