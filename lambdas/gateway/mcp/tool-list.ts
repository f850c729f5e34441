import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Principal } from '../../auth/principal';
import type { Policy } from '../../inspect/policy';
import type { Inspector } from '../../inspect/types';
import { errorForLog, type AirlockLogger } from '../../shared/logger';
import { globMatch } from '../../inspect/mcp-policy';
import { rememberTools } from './tool-definitions';
import { maskToolValue } from './tool-inspection';
import { prefixedToolName } from './tool-names';
import { ToolPinning } from './tool-pinning';
import type { McpDeps } from './upstreams';
import type { GatewayDeps } from '../ports';

/**
 * `tools/list` for one caller: the tools of the upstreams their groups may use, prefixed, masked,
 * without the tools a policy rule blocks for them outright. Built per request, never cached across
 * callers. An upstream that fails is left out (and logged) rather than failing the whole list.
 */
export async function listToolsFor(
  mcp: McpDeps,
  policy: Policy,
  principal: Principal,
  inspector: Inspector,
  logger: AirlockLogger,
  deps: GatewayDeps,
  signal?: AbortSignal,
): Promise<Tool[]> {
  const usable = mcp.upstreams.filter((u) => u.groups.some((g) => principal.groups.includes(g)));
  // Pinned tools: only definitions accepted (baseline, pin, approval) are shown; new and changed ones are held.
  const pinning = mcp.pinning ? new ToolPinning(deps, mcp.pinning, inspector) : undefined;
  const lists = await Promise.all(
    usable.map(async (upstream) => {
      try {
        const listed = await upstream.client.listTools(signal);
        rememberTools(upstream, listed);
        const admitted = pinning ? await pinning.admit(upstream, listed, principal) : listed;
        return admitted.map((tool) => ({ upstream: upstream.name, tool }));
      } catch (err) {
        logger.warn('mcp upstream tools could not be listed', { upstream: upstream.name, error: errorForLog(err) });
        return [];
      }
    }),
  );
  const out: Tool[] = [];
  for (const { upstream, tool } of lists.flat()) {
    const name = prefixedToolName(upstream, tool.name);
    if (blockedOutright(policy, principal.groups, name)) continue;
    const masked = maskToolValue(inspector, { ...tool, name: undefined }).value as Tool;
    out.push({ ...masked, name });
  }
  return out;
}

/** A `block` rule without argument patterns for this caller: the tool is not shown at all. */
function blockedOutright(policy: Policy, groups: readonly string[], name: string): boolean {
  const rules = policy.mcp?.tools ?? [];
  const first = rules.find((r) => !r.arguments && (!r.groups || r.groups.some((g) => groups.includes(g))) && globMatch(r.tool, name));
  return first?.action === 'block';
}
