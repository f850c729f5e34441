import { createHash } from 'node:crypto';
import { principalKey, type Principal } from '../../auth/principal';

/**
 * Identifies "the same request from the same caller" for re-sends: SHA-256 over the caller's key
 * and the canonical masked body (sorted keys). `stream` and `stream_options` are left out, since a
 * re-send is answered in the form it asks for. Masked, so no secret ever feeds the hash.
 */
export function requestHash(principal: Pick<Principal, 'issuer' | 'sub'>, maskedBody: unknown): string {
  const { stream: _stream, stream_options: _options, ...rest } = (maskedBody ?? {}) as Record<string, unknown>;
  return createHash('sha256').update(JSON.stringify([principalKey(principal), canonical(rest)])).digest('hex');
}

/** A JSON value with every object's keys sorted: equal values give equal text. */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
