import type { UpstreamDetail } from '../shared/errors';

/**
 * The message and `param` of an upstream error body, in either wire format:
 * OpenAI `{ error: { message, type, param, code } }`, Anthropic `{ type: 'error', error: { type, message } }`.
 * Anything else (HTML from a proxy, plain text) gives undefined: the caller then gets the generic message.
 */
export function upstreamErrorDetail(text: string): UpstreamDetail | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!body || typeof body !== 'object') return undefined;
  const error = (body as { error?: unknown }).error;
  if (!error || typeof error !== 'object') return undefined;
  const { message, param } = error as { message?: unknown; param?: unknown };
  if (typeof message !== 'string' || !message.trim()) return undefined;
  return { message, param: typeof param === 'string' && param ? param : null };
}
