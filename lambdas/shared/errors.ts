/**
 * One error type for everything a caller can be told. It carries its HTTP status and the
 * OpenAI error envelope it renders to, so handlers map errors in one place (`toErrorResponse`).
 * Messages must never contain request content: they are written to logs and records too.
 */
export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'policy_error'
  | 'approval_error'
  | 'upstream_error'
  | 'server_error';

export interface ErrorEnvelope {
  error: {
    message: string;
    type: ErrorType;
    code: string;
    param: string | null;
    [extra: string]: unknown;
  };
}

export interface AirlockErrorOptions {
  param?: string | null;
  /** Extra fields placed in the error object (e.g. `request_id`, `status_url`). */
  details?: Record<string, unknown>;
  /** Extra response headers (e.g. `retry-after`). */
  headers?: Record<string, string>;
  cause?: unknown;
}

export class AirlockError extends Error {
  override readonly name = 'AirlockError';
  readonly param: string | null;
  readonly details: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    readonly status: number,
    readonly type: ErrorType,
    readonly code: string,
    message: string,
    options: AirlockErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.param = options.param ?? null;
    this.details = options.details ?? {};
    this.headers = options.headers ?? {};
  }

  toJSON(): ErrorEnvelope {
    return {
      error: { message: this.message, type: this.type, code: this.code, param: this.param, ...this.details },
    };
  }
}

export const invalidRequest = (message: string, param: string | null = null, cause?: unknown) =>
  new AirlockError(400, 'invalid_request_error', 'invalid_request', message, { param, cause });

export const invalidJson = (cause?: unknown) =>
  new AirlockError(400, 'invalid_request_error', 'invalid_json', 'The request body is not valid JSON.', { cause });

export const payloadTooLarge = (limitBytes: number) =>
  new AirlockError(413, 'invalid_request_error', 'payload_too_large', `The request body exceeds the limit of ${limitBytes} bytes.`);

export const invalidToken = (message = 'The bearer token is missing, malformed, expired or not trusted.', cause?: unknown) =>
  new AirlockError(401, 'authentication_error', 'invalid_token', message, { cause, headers: { 'www-authenticate': 'Bearer' } });

export const forbidden = (message: string) => new AirlockError(403, 'permission_error', 'forbidden', message);

export const modelNotAllowed = (model: string) =>
  new AirlockError(403, 'permission_error', 'model_not_allowed', `The model '${truncate(model, 80)}' is not allowed by policy for your groups.`, { param: 'model' });

export const modelNotFound = (model: string) =>
  new AirlockError(404, 'invalid_request_error', 'model_not_found', `The model '${truncate(model, 80)}' does not exist or has no upstream.`, { param: 'model' });

export const notFound = (what: string) => new AirlockError(404, 'not_found_error', 'not_found', `${what} was not found.`);

export const methodNotAllowed = (method: string, path: string) =>
  new AirlockError(405, 'invalid_request_error', 'method_not_allowed', `${method} is not supported on ${truncate(path, 100)}.`);

export const promptBlocked = (reasons: string[]) =>
  new AirlockError(403, 'policy_error', 'prompt_blocked', `The prompt was blocked by policy: ${reasons.join('; ') || 'policy'}.`, {
    details: { reasons },
  });

export const upstreamError = (message: string, cause?: unknown) =>
  new AirlockError(502, 'upstream_error', 'upstream_error', message, { cause });

export const upstreamTimeout = (timeoutMs: number, cause?: unknown) =>
  new AirlockError(504, 'upstream_error', 'upstream_error', `The upstream did not answer within ${timeoutMs} ms.`, { cause });

/** Never sent (the caller is gone): 499 is nginx's "client closed request", kept in the record. */
export const clientDisconnected = (cause?: unknown) =>
  new AirlockError(499, 'invalid_request_error', 'client_disconnected', 'The caller closed the connection before the answer was complete.', { cause });

export const recordUnavailable = (cause?: unknown) =>
  new AirlockError(503, 'server_error', 'record_unavailable', 'The session could not be recorded, so the request was not forwarded.', { cause });

export const inspectionFailed = (cause?: unknown) =>
  new AirlockError(503, 'server_error', 'inspection_failed', 'The request could not be inspected, so it was not forwarded.', { cause });

export const internalError = (cause?: unknown) =>
  new AirlockError(500, 'server_error', 'internal_error', 'Airlock hit an internal error; the request was not forwarded.', { cause });

/** Any thrown value → an AirlockError; unknown errors become a generic 500 with no internals. */
export function toAirlockError(err: unknown): AirlockError {
  return err instanceof AirlockError ? err : internalError(err);
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
