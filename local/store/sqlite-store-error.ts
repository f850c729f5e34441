import { StoreError } from '../../lambdas/store/store-error';

/**
 * Reduces a SQLite error to a StoreError, as toStoreError does for AWS errors: the SQLite error
 * code is kept, its message is not (it can quote values).
 */
export function toLocalStoreError(operation: string, err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  const e = (err ?? {}) as { code?: unknown; errcode?: unknown; errstr?: unknown };
  const sqliteCode = typeof e.errstr === 'string' ? e.errstr : typeof e.code === 'string' ? e.code : undefined;
  return new StoreError(operation, 'unavailable', { ...(sqliteCode ? { awsError: `SQLite:${sqliteCode}` } : {}) });
}
