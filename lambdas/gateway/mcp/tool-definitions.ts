import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { McpUpstream } from './upstreams';

/** How long a listing is taken as the upstream's current definitions. */
const FRESH_MS = 60_000;

/**
 * The tool definitions each upstream last listed, per gateway instance: what a result is checked
 * against (its output schema) without a second listing per call. Filled by every `tools/list` and
 * pinning check; a definition missing or older than a minute is listed again when needed.
 */
const listed = new WeakMap<McpUpstream, { at: number; tools: ReadonlyMap<string, Tool> }>();

export function rememberTools(upstream: McpUpstream, tools: readonly Tool[], now = Date.now()): void {
  listed.set(upstream, { at: now, tools: new Map(tools.map((t) => [t.name, t])) });
}

/** The upstream's definition of `tool` (unprefixed), listing the upstream when none is fresh. */
export async function toolDefinition(upstream: McpUpstream, tool: string, signal?: AbortSignal, now = Date.now()): Promise<Tool | undefined> {
  let entry = listed.get(upstream);
  if (!entry || now - entry.at > FRESH_MS || !entry.tools.has(tool)) {
    rememberTools(upstream, await upstream.client.listTools(signal), now);
    entry = listed.get(upstream)!;
  }
  return entry.tools.get(tool);
}
