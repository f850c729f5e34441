/**
 * One error type for everything a caller can be told. Its code fixes its HTTP status and type
 * (ERROR_CATALOGUE), and it renders the OpenAI error envelope, so handlers map errors in one place.
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

/** Every code Airlock answers with: its HTTP status and error type. A code is never compared as a free string. */
export const ERROR_CATALOGUE = {
  invalid_request: { status: 400, type: 'invalid_request_error' },
  invalid_json: { status: 400, type: 'invalid_request_error' },
  // Keeps the upstream's own 4xx status (422 stays 422): the caller's request was wrong in that way.
  upstream_rejected: { status: 400, type: 'invalid_request_error', passesUpstreamStatus: true },
  invalid_token: { status: 401, type: 'authentication_error' },
  forbidden: { status: 403, type: 'permission_error' },
  model_not_allowed: { status: 403, type: 'permission_error' },
  prompt_blocked: { status: 403, type: 'policy_error' },
  approval_required: { status: 403, type: 'approval_error' },
  approval_pending: { status: 403, type: 'approval_error' },
  approval_denied: { status: 403, type: 'approval_error' },
  approval_expired: { status: 403, type: 'approval_error' },
  not_found: { status: 404, type: 'not_found_error' },
  model_not_found: { status: 404, type: 'invalid_request_error' },
  not_configured: { status: 404, type: 'not_found_error' },
  method_not_allowed: { status: 405, type: 'invalid_request_error' },
  payload_too_large: { status: 413, type: 'invalid_request_error' },
  upstream_rate_limited: { status: 429, type: 'rate_limit_error' },
  // The policy's requests-per-minute or tokens-per-day limit for the caller or one of its groups; carries Retry-After.
  rate_limited: { status: 429, type: 'rate_limit_error' },
  // nginx's "client closed request": only ever recorded, the caller is gone.
  client_disconnected: { status: 499, type: 'invalid_request_error' },
  internal_error: { status: 500, type: 'server_error' },
  record_integrity: { status: 500, type: 'server_error' },
  upstream_error: { status: 502, type: 'upstream_error' },
  approval_failed: { status: 502, type: 'upstream_error' },
  record_unavailable: { status: 503, type: 'server_error' },
  inspection_failed: { status: 503, type: 'server_error' },
  approval_unavailable: { status: 503, type: 'server_error' },
  audit_unavailable: { status: 503, type: 'server_error' },
  // The usage counters cannot be read or written: a limited request is refused, not let through.
  limits_unavailable: { status: 503, type: 'server_error' },
  auth_unavailable: { status: 503, type: 'server_error' },
  upstream_timeout: { status: 504, type: 'upstream_error' },
} as const satisfies Record<string, { status: number; type: ErrorType; passesUpstreamStatus?: true }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

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
  /** What the upstream itself said about a rejected request: data for the gateway, never rendered as is. */
  upstream?: UpstreamDetail;
  /** The upstream's 4xx status, for the one code that passes it on (`upstream_rejected`); ignored by every other code. */
  status?: number;
}

/**
 * The upstream's own message and `param` for a request it refused (4xx). It can quote the gateway's
 * credential or echo a secret, so it only reaches a caller through `callerFacingError`, which masks it.
 */
export interface UpstreamDetail {
  message: string;
  param: string | null;
}

export class AirlockError extends Error {
  override readonly name = 'AirlockError';
  readonly status: number;
  readonly type: ErrorType;
  readonly param: string | null;
  readonly details: Record<string, unknown>;
  readonly headers: Record<string, string>;
  readonly upstream: UpstreamDetail | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: AirlockErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    const entry: { status: number; type: ErrorType; passesUpstreamStatus?: true } = ERROR_CATALOGUE[code];
    const passed = entry.passesUpstreamStatus && options.status !== undefined && options.status >= 400 && options.status < 500 ? options.status : undefined;
    this.status = passed ?? entry.status;
    this.type = passed === 404 ? 'not_found_error' : entry.type;
    this.param = options.param ?? null;
    this.details = options.details ?? {};
    this.headers = options.headers ?? {};
    this.upstream = options.upstream;
  }

  toJSON(): ErrorEnvelope {
    return {
      error: { message: this.message, type: this.type, code: this.code, param: this.param, ...this.details },
    };
  }
}

export const invalidRequest = (message: string, param: string | null = null, cause?: unknown) =>
  new AirlockError('invalid_request', message, { param, cause });

export const invalidJson = (cause?: unknown) =>
  new AirlockError('invalid_json', 'The request body is not valid JSON.', { cause });

export const payloadTooLarge = (limitBytes: number) =>
  new AirlockError('payload_too_large', `The request body exceeds the limit of ${limitBytes} bytes.`);

export const invalidToken = (message = 'The bearer token is missing, malformed, expired or not trusted.', cause?: unknown) =>
  new AirlockError('invalid_token', message, { cause, headers: { 'www-authenticate': 'Bearer' } });

export const forbidden = (message: string) => new AirlockError('forbidden', message);

export const modelNotAllowed = (model: string) =>
  new AirlockError('model_not_allowed', `The model '${truncate(model, 80)}' is not allowed by policy for your groups.`, { param: 'model' });

export const modelNotFound = (model: string) =>
  new AirlockError('model_not_found', `The model '${truncate(model, 80)}' does not exist or has no upstream.`, { param: 'model' });

export const notFound = (what: string) => new AirlockError('not_found', `${what} was not found.`);

export const promptBlocked = (reasons: string[]) =>
  new AirlockError('prompt_blocked', `The prompt was blocked by policy: ${reasons.join('; ') || 'policy'}.`, {
    details: { reasons },
  });

export const upstreamError = (message: string, cause?: unknown) =>
  new AirlockError('upstream_error', message, { cause });

/** `message` names the limit that was hit (the call's deadline, the wait for a first byte, a silent stream). */
export const upstreamTimeout = (message: string, cause?: unknown) => new AirlockError('upstream_timeout', message, { cause });

/** Never sent (the caller is gone): 499 is nginx's "client closed request", kept in the record. */
export const clientDisconnected = (cause?: unknown) =>
  new AirlockError('client_disconnected', 'The caller closed the connection before the answer was complete.', { cause });

export const recordUnavailable = (cause?: unknown) =>
  new AirlockError('record_unavailable', 'The session could not be recorded, so the request was not forwarded.', { cause });

export const inspectionFailed = (cause?: unknown) =>
  new AirlockError('inspection_failed', 'The request could not be inspected, so it was not forwarded.', { cause });

export const internalError = (cause?: unknown) =>
  new AirlockError('internal_error', 'Airlock hit an internal error; the request was not forwarded.', { cause });

/** Any thrown value → an AirlockError; unknown errors become a generic 500 with no internals. */
export function toAirlockError(err: unknown): AirlockError {
  return err instanceof AirlockError ? err : internalError(err);
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
