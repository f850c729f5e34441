/**
 * What a store throws. It names the operation and the AWS error, and deliberately keeps neither
 * the SDK error as `cause` nor its message: those can echo item content, and store errors end up
 * in logs and records. The gateway maps any StoreError to `record_unavailable` (fail closed).
 */
export type StoreErrorCode =
  /** A create hit an existing id. */
  | 'conflict'
  /** The record or transcript does not match its schema, or the engine refused the request as invalid. */
  | 'invalid'
  /** A stored object could not be parsed back. */
  | 'corrupt'
  | 'throttled'
  | 'unavailable';

export class StoreError extends Error {
  override readonly name = 'StoreError';

  /** The AWS error name (e.g. `ResourceNotFoundException`), never its message. */
  readonly awsError?: string;
  readonly requestId?: string;
  /** Paths of the fields that failed validation (names only, never values). */
  readonly fields?: string[];

  constructor(
    readonly operation: string,
    readonly code: StoreErrorCode,
    details: { awsError?: string; requestId?: string; fields?: string[] } = {},
  ) {
    super(`${operation} failed: ${details.awsError ?? code}${details.fields ? ` (${details.fields.join(', ')})` : ''}`);
    this.awsError = details.awsError;
    this.requestId = details.requestId;
    this.fields = details.fields;
  }

  get retryable(): boolean {
    return this.code === 'throttled' || this.code === 'unavailable';
  }
}

const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'SlowDown',
  'TooManyRequestsException',
]);

/** Reduces an AWS SDK error to a StoreError that carries no content. */
export function toStoreError(operation: string, err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  const e = (err ?? {}) as { name?: unknown; $metadata?: { requestId?: unknown } };
  const awsError = typeof e.name === 'string' ? e.name : undefined;
  const requestId = typeof e.$metadata?.requestId === 'string' ? e.$metadata.requestId : undefined;
  const code: StoreErrorCode =
    awsError === 'ConditionalCheckFailedException'
      ? 'conflict'
      : awsError === 'ValidationException'
        ? 'invalid'
        : awsError && THROTTLING.has(awsError)
          ? 'throttled'
          : 'unavailable';
  return new StoreError(operation, code, { awsError, requestId });
}

export const isConditionalCheckFailed = (err: unknown): boolean =>
  (err as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException';
