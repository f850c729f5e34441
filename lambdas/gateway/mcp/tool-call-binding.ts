import { createHash } from 'node:crypto';
import { principalKey, type Principal } from '../../auth/principal';
import { canonical } from '../approvals/request-hash';

/** One held tool call: what an approval is bound to. */
export interface HeldToolCall {
  upstream: string;
  tool: string;
  /** The masked arguments: what the approver saw and what the approved call sends. */
  arguments: Record<string, unknown>;
}

/**
 * The approval's binding: SHA-256 over the caller's key, the upstream, the tool and the canonical
 * masked arguments (keys sorted at every level). A retry finds its approval by this hash, and the
 * approved call is sent only if the held call still hashes to it; any other caller, tool or
 * argument gives another hash. Masked, so no secret ever feeds it.
 */
export function toolCallHash(principal: Pick<Principal, 'issuer' | 'sub'>, call: HeldToolCall): string {
  return createHash('sha256')
    .update(JSON.stringify(['mcp_tool_call', principalKey(principal), call.upstream, call.tool, canonical(call.arguments)]))
    .digest('hex');
}

/** A transcript's `request` read back as a held tool call, or undefined if it is not one. */
export function heldToolCallOf(request: unknown): HeldToolCall | undefined {
  if (!request || typeof request !== 'object' || Array.isArray(request)) return undefined;
  const r = request as Record<string, unknown>;
  const args = r.arguments;
  if (typeof r.upstream !== 'string' || typeof r.tool !== 'string' || !args || typeof args !== 'object' || Array.isArray(args)) return undefined;
  return { upstream: r.upstream, tool: r.tool, arguments: args as Record<string, unknown> };
}
