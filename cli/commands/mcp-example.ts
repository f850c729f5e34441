import { startExampleMcpUpstream } from '../../local/example-mcp-upstream';
import { JWKS_PATH } from '../../lambdas/gateway/mcp/call-tokens';
import { parseFlags } from '../args';

/**
 * `airlock mcp-example`: the example SQLite MCP upstream on its own, for pointing
 * AIRLOCK_MCP_UPSTREAMS at it (tests, benchmarks, trying a real upstream registration). It prints
 * each SQL text it receives, so what reached the upstream can be checked.
 */
export async function mcpExampleCommand(argv: string[], env: Record<string, string | undefined>): Promise<number> {
  const { values } = parseFlags(argv, {
    port: { type: 'string' },
    'token-env': { type: 'string', default: 'AIRLOCK_MCP_EXAMPLE_TOKEN' },
    // Verify Airlock's per-call tokens instead: its base URL (iss; the keys at <url>/.well-known/jwks.json) and the expected aud.
    'call-token-issuer': { type: 'string' },
    'call-token-audience': { type: 'string' },
  });
  const issuer = (values['call-token-issuer'] as string | undefined)?.replace(/\/+$/, '');
  const audience = values['call-token-audience'] as string | undefined;
  const token = env[values['token-env'] as string];
  if (!token && !issuer) {
    process.stderr.write(`airlock mcp-example: set ${values['token-env']} to the credential the upstream requires, or --call-token-issuer URL to verify per-call tokens\n`);
    return 2;
  }
  const upstream = await startExampleMcpUpstream({
    ...(issuer
      ? { callTokens: { issuer: () => issuer, jwksUrl: () => `${issuer}${JWKS_PATH}`, ...(audience ? { audience: () => audience } : {}) } }
      : { token: token! }),
    ...(values.port ? { port: Number(values.port) } : {}),
    onSql: (sql) => process.stdout.write(`sql: ${JSON.stringify(sql)}\n`),
  });
  process.stdout.write(`Example MCP upstream at ${upstream.url}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await upstream.close();
  return 0;
}
