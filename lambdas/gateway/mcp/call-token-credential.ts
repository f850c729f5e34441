import type { McpUpstreamConfig } from '../../shared/config';
import { errorForLog, type AirlockLogger } from '../../shared/logger';
import { DEFAULT_CALL_TOKEN_LIFETIME_SECONDS, mintCallToken, type CallTokenMinter } from './call-tokens';
import type { OutgoingUpstreamMessage, UpstreamCredential } from './upstreams';

export interface CallTokenCredentialOptions {
  minter: CallTokenMinter;
  /** `aud` of every token for this upstream. */
  audience: string;
  lifetimeSeconds: number;
  header: string;
  /** Prefix before the token, e.g. `Bearer`. */
  scheme?: string;
}

/**
 * The credential of an upstream registered with `credential.mode: per-call-token`: a fresh token
 * for every request Airlock sends it, bound to that request's message (a `tools/call` to the tool,
 * the arguments and the caller). A token is never reused, so an upstream can refuse any replay.
 */
export function callTokenCredential(options: CallTokenCredentialOptions): (message: OutgoingUpstreamMessage) => Promise<UpstreamCredential> {
  return async (message) => {
    const call = message.call;
    const token = await mintCallToken(options.minter, {
      audience: options.audience,
      lifetimeSeconds: options.lifetimeSeconds,
      ...(message.method !== undefined ? { method: message.method } : {}),
      ...(call
        ? {
            call: {
              tool: call.tool,
              arguments: call.arguments,
              caller: call.context.caller,
              sessionId: call.context.sessionId,
              ...(call.context.approvalId ? { approvalId: call.context.approvalId } : {}),
            },
          }
        : {}),
    });
    return { header: options.header, value: options.scheme ? `${options.scheme} ${token}` : token };
  };
}

/**
 * The per-call-token credential of a registered upstream: `aud` its URL, 60 s, `Authorization: Bearer`,
 * unless it says otherwise. A token that cannot be minted (KMS refusing, throttling) is logged by its
 * error name only, and the request is not sent.
 */
export function callTokenCredentialFor(
  upstream: Pick<McpUpstreamConfig, 'url' | 'credential'> & { name?: string },
  minter: CallTokenMinter,
  logger?: Pick<AirlockLogger, 'error'>,
): (message: OutgoingUpstreamMessage) => Promise<UpstreamCredential> {
  const c = upstream.credential;
  const header = c?.header ?? 'authorization';
  const scheme = c?.scheme ?? (header.toLowerCase() === 'authorization' ? 'Bearer' : undefined);
  const credential = callTokenCredential({
    minter,
    audience: c?.audience ?? upstream.url,
    lifetimeSeconds: c?.lifetimeSeconds ?? DEFAULT_CALL_TOKEN_LIFETIME_SECONDS,
    header,
    ...(scheme ? { scheme } : {}),
  });
  if (!logger) return credential;
  return async (message) => {
    try {
      return await credential(message);
    } catch (err) {
      logger.error('mcp per-call token could not be minted', { upstream: upstream.name, method: message.method, error: errorForLog(err) });
      throw err;
    }
  };
}

/** Whether an upstream is registered for per-call tokens. */
export const usesCallTokens = (upstream: Pick<McpUpstreamConfig, 'credential'>): boolean => upstream.credential?.mode === 'per-call-token';
