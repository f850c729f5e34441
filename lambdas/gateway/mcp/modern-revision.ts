import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';

/**
 * Protocol revision 2026-07-28, which the SDK 1.x server does not know: the parts Airlock handles
 * itself before the message reaches the SDK. Requests must carry `Mcp-Method` (and `Mcp-Name` for
 * calls naming a tool, prompt or resource) equal to the body, so a proxy that routes or filters on
 * headers sees what the server will run; `server/discover` is answered here; no `initialize` needed.
 */
export const MODERN_REVISION = '2026-07-28';

export const SUPPORTED_REVISIONS = [MODERN_REVISION, ...SUPPORTED_PROTOCOL_VERSIONS.filter((v) => v >= '2025-06-18')];

/** The SDK-speakable revision a 2026-07-28 message is handed to the SDK as (same methods and shapes for tools). */
export const SDK_REVISION = LATEST_PROTOCOL_VERSION;

const NAMED: Record<string, (params: Record<string, unknown>) => unknown> = {
  'tools/call': (p) => p.name,
  'prompts/get': (p) => p.name,
  'resources/read': (p) => p.uri,
};

/** A reason the headers disagree with the body, or undefined when they agree. */
export function modernHeaderMismatch(headers: Record<string, string>, message: Record<string, unknown>): string | undefined {
  if (typeof message.method !== 'string') return undefined;
  const method = headers['mcp-method'];
  if (method === undefined) return 'The Mcp-Method header is required with protocol version 2026-07-28.';
  if (method !== message.method) return 'The Mcp-Method header does not match the method in the body.';
  const nameOf = NAMED[message.method];
  if (nameOf) {
    const params = (message.params ?? {}) as Record<string, unknown>;
    const expected = nameOf(params);
    const name = headers['mcp-name'];
    if (name === undefined) return 'The Mcp-Name header is required for this method with protocol version 2026-07-28.';
    if (typeof expected !== 'string' || decodeHeaderValue(name) !== expected) return 'The Mcp-Name header does not match the name in the body.';
  }
  return undefined;
}

/** Header values that are not plain ASCII arrive percent-encoded. */
function decodeHeaderValue(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Results whose 2026-07-28 form carries cache fields. */
const CACHEABLE = new Set(['tools/list', 'prompts/list', 'resources/list', 'resources/templates/list', 'resources/read', 'server/discover']);

/**
 * A result in its 2026-07-28 form: `resultType` (always `complete` here) and, on cacheable
 * methods, `ttlMs: 0` with `cacheScope: 'private'`, because what a caller sees depends on who
 * they are (tools are filtered per group) and must never be cached for another caller.
 */
export function modernResult(method: string, result: Record<string, unknown>): Record<string, unknown> {
  return { ...result, resultType: result.resultType ?? 'complete', ...(CACHEABLE.has(method) ? { ttlMs: 0, cacheScope: 'private' } : {}) };
}

export function discoverResult(serverInfo: { name: string; version: string }) {
  return modernResult('server/discover', { supportedVersions: SUPPORTED_REVISIONS, capabilities: { tools: { listChanged: false } }, serverInfo });
}
