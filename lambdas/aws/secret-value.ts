import { GetSecretValueCommand, type GetSecretValueCommandOutput } from '@aws-sdk/client-secrets-manager';

/** The one call this module makes; a `SecretsManagerClient` fits, and tests hand in a fake. */
export interface SecretsClient {
  send(command: GetSecretValueCommand): Promise<GetSecretValueCommandOutput>;
}

export interface CachedSecretOptions<T> {
  client: SecretsClient;
  secretId: string;
  /** Turns the secret string into the value (and throws when it is not usable). */
  parse: (secretString: string | undefined) => T;
  /** A value older than this is read again on next use, so a `put-secret-value` rotation lands within it. */
  ttlMs?: number;
  /** While Secrets Manager fails, the last value is still served for this long past its TTL; then calls fail. */
  graceMs?: number;
  /** After a failed read, no new read is tried for this long (the stale value, or the failure, is served). */
  retryAfterFailureMs?: number;
  now?: () => number;
  /** Told about a failed refresh that was bridged with the stale value (never given the value). */
  onStaleServed?: (err: unknown) => void;
}

interface Held<T> {
  value: T;
  readAt: number;
}

/**
 * A Secrets Manager value with a lifetime: read on first use, reused for `ttlMs` (default 60 s),
 * then read again on the next use; callers arriving meanwhile share that one read. If the read fails,
 * the previous value keeps serving within `graceMs` (default 5 min) so a Secrets Manager hiccup does
 * not take the gateway down, but a key is never used indefinitely without a successful read.
 */
export function cachedSecret<T>(options: CachedSecretOptions<T>): () => Promise<T> {
  const ttlMs = options.ttlMs ?? 60_000;
  const graceMs = options.graceMs ?? 300_000;
  const retryAfterFailureMs = options.retryAfterFailureMs ?? 5_000;
  const now = options.now ?? Date.now;
  let held: Held<T> | undefined;
  let inFlight: Promise<T> | undefined;
  let failedAt: number | undefined;
  let lastFailure: unknown;

  const read = (): Promise<T> => {
    inFlight ??= options.client
      .send(new GetSecretValueCommand({ SecretId: options.secretId }))
      .then((out) => {
        const value = options.parse(out.SecretString);
        held = { value, readAt: now() };
        failedAt = undefined;
        return value;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };

  return async () => {
    const at = now();
    if (held && at - held.readAt < ttlMs) return held.value;
    if (!held) {
      // No value yet: a failing secret (missing, no permission) is not asked again on every request.
      if (failedAt !== undefined && at - failedAt < retryAfterFailureMs) throw lastFailure;
      try {
        return await read();
      } catch (err) {
        failedAt = now();
        lastFailure = err;
        throw err;
      }
    }
    const stale = held;
    const withinGrace = at - stale.readAt < ttlMs + graceMs;
    if (withinGrace && failedAt !== undefined && at - failedAt < retryAfterFailureMs) return stale.value;
    try {
      return await read();
    } catch (err) {
      if (!withinGrace) throw err;
      failedAt = now();
      options.onStaleServed?.(err);
      return stale.value;
    }
  };
}
