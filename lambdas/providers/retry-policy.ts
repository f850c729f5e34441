/**
 * When to try an upstream call again, and after how long. Pure: the clock and the random source
 * are arguments, so the arithmetic is tested without waiting.
 */

/** Statuses worth another attempt: the upstream may answer differently in a moment. */
export const RETRYABLE_STATUS: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/**
 * "Full jitter" exponential backoff: a uniform pick in [0, base × 2^(retry − 1)], so callers that
 * failed together do not come back together. `retry` counts from 1.
 */
export function jitteredBackoffMs(retry: number, baseMs: number, random: () => number = Math.random): number {
  return Math.floor(random() * baseMs * 2 ** (retry - 1));
}

/**
 * `Retry-After` as milliseconds from `nowMs`: delta seconds or an HTTP date (RFC 9110 §10.2.3).
 * Undefined when absent or unreadable; a date in the past is 0.
 */
export function retryAfterMs(header: string | string[] | undefined, nowMs: number): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // All three HTTP-date forms start with a day name; Date.parse alone would take "-5" as a year.
  if (!/^[A-Za-z]{3}/.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** The `Retry-After` value passed on to a caller: whole seconds, rounded up so the caller never comes back early. */
export function retryAfterSeconds(ms: number): string {
  return String(Math.ceil(ms / 1000));
}
