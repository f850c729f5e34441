import { AirlockError } from '../shared/errors';

/** Longest upstream message passed on; it is masked whole first, so the cut can never expose half a secret. */
export const MAX_UPSTREAM_MESSAGE_CHARS = 500;

/**
 * The error a caller is shown. When the upstream refused the caller's request (a 4xx with its own
 * message, e.g. "Unsupported parameter: foo"), that message and its `param` are what the caller
 * needs to fix the request, but they may quote the gateway's key or echo a secret from the prompt:
 * they are passed through `mask` and capped. Every other error is returned unchanged. If masking
 * fails, the caller gets the generic message (fail closed).
 */
export function callerFacingError(err: AirlockError, mask: (text: string) => string): AirlockError {
  if (!err.upstream) return err;
  let message: string;
  let param: string | null;
  try {
    message = cap(mask(err.upstream.message.trim()), MAX_UPSTREAM_MESSAGE_CHARS);
    param = err.upstream.param === null ? err.param : cap(mask(err.upstream.param), 100);
  } catch {
    return err;
  }
  return new AirlockError(err.code, `The upstream rejected the request: ${message}`, {
    status: err.status,
    param,
    details: err.details,
    headers: err.headers,
    cause: err,
  });
}

function cap(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
