import { toolFingerprint } from '../../lambdas/gateway/mcp/tool-fingerprint';
import { scoreToolDefinition } from '../../lambdas/inspect/tool-poisoning/score';
import { mcpUpstreamClient } from '../../lambdas/providers/mcp-upstream';
import { parseFlags, UsageError } from '../args';

/**
 * `airlock mcp-pins URL`: lists an MCP server's tools as Airlock sees them and prints the `pins`
 * object for its registration (tool → fingerprint), so a deployer can pin what they reviewed. Each
 * tool the poisoning rules flag is named on stderr with its reasons, and left out of the pins.
 */
export async function mcpPinsCommand(argv: string[], io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; env: Record<string, string | undefined> }): Promise<number> {
  const { values, positionals } = parseFlags(argv, { header: { type: 'string', default: 'authorization' }, 'token-env': { type: 'string' }, 'timeout-ms': { type: 'string', default: '30000' } });
  const url = positionals[0];
  if (!url || positionals.length > 1) throw new UsageError('usage: airlock mcp-pins URL [--token-env VAR] [--header NAME]');
  const tokenEnv = values['token-env'] as string | undefined;
  const token = tokenEnv ? io.env[tokenEnv] : undefined;
  if (tokenEnv && !token) {
    io.stderr.write(`airlock mcp-pins: ${tokenEnv} is empty\n`);
    return 2;
  }
  const header = values.header as string;
  const client = mcpUpstreamClient({
    url,
    timeoutMs: Number(values['timeout-ms']),
    ...(token ? { credential: async () => ({ header, value: header.toLowerCase() === 'authorization' ? `Bearer ${token}` : token }) } : {}),
  });
  try {
    const pins: Record<string, string> = {};
    let flagged = 0;
    for (const tool of await client.listTools()) {
      const assessment = scoreToolDefinition(tool);
      if (assessment.poisoned) {
        flagged++;
        io.stderr.write(`not pinned: ${tool.name} looks poisoned (score ${assessment.score})\n${assessment.reasons.map((r) => `  - ${r.message}\n`).join('')}`);
        continue;
      }
      pins[tool.name] = toolFingerprint(tool);
    }
    io.stdout.write(`${JSON.stringify(pins, null, 2)}\n`);
    return flagged ? 1 : 0;
  } catch (err) {
    io.stderr.write(`airlock mcp-pins: ${(err as Error).message}\n`);
    return 3;
  } finally {
    await client.close();
  }
}
