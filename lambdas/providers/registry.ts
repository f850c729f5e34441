import type { ChatFormat } from '../inspect/types';
import type { UpstreamConfig, UpstreamKind } from '../shared/upstream-config';
import { anthropicKind } from './anthropic';
import { bedrockKind } from './bedrock';
import { openaiKind } from './openai-compatible';
import type { ChatProvider } from './types';

/** What every provider gets besides its own entry: the call limits, and its key where it has one. */
export interface ProviderSettings {
  timeoutMs: number;
  deadlineMs: number;
  retries: number;
  /** The upstream key (`secret` of the entry), read on every call; `undefined` for none. */
  apiKey: () => Promise<string | undefined>;
}

/** A kind of upstream: the caller APIs it answers and how its client is made. One file each, registered below. */
export interface ProviderKind {
  formats: readonly ChatFormat[];
  create(upstream: UpstreamConfig, settings: ProviderSettings): ChatProvider;
}

export const PROVIDER_KINDS: Record<UpstreamKind, ProviderKind> = {
  openai: openaiKind,
  anthropic: anthropicKind,
  bedrock: bedrockKind,
};

/** An upstream ready for the gateway's router (lambdas/gateway/upstream-router.ts). */
export interface BuiltUpstream {
  name: string;
  formats: readonly ChatFormat[];
  models: readonly string[];
  fallback?: string;
  aliases?: Readonly<Record<string, string>>;
  provider: ChatProvider;
}

/**
 * The configured upstreams with their clients, and the keys they hold (masked by exact match in
 * anything going back to a caller). `keyOf` says where an entry's `secret` is read: Secrets
 * Manager in AWS, the environment locally.
 */
export function buildUpstreams(
  configs: readonly UpstreamConfig[],
  limits: Omit<ProviderSettings, 'apiKey'>,
  keyOf: (secret: string) => () => Promise<string | undefined>,
): { list: BuiltUpstream[]; heldCredentials: () => Promise<string[]> } {
  const keys: Array<() => Promise<string | undefined>> = [];
  const list = configs.map((u) => {
    const apiKey = u.secret ? keyOf(u.secret) : async () => undefined;
    if (u.secret) keys.push(apiKey);
    const kind = PROVIDER_KINDS[u.kind];
    return { name: u.name, formats: kind.formats, models: u.models, ...(u.fallback ? { fallback: u.fallback } : {}), ...(u.aliases ? { aliases: u.aliases } : {}), provider: kind.create(u, { ...limits, apiKey }) };
  });
  const heldCredentials = async () => (await Promise.all(keys.map((k) => k()))).filter((k): k is string => typeof k === 'string' && k.length > 0);
  return { list, heldCredentials };
}
