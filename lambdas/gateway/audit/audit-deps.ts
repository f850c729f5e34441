import { principalKey, type Principal } from '../../auth/principal';
import { AirlockError } from '../../shared/errors';
import { StoreError } from '../../store/store-error';
import type { SessionQueries } from '../../store/types';
import type { GatewayDeps } from '../ports';

/** What the audit use cases read: the API's routes pass the gateway's deps, the console a subset. */
export type AuditDeps = Pick<GatewayDeps, 'policy' | 'sessions' | 'transcripts' | 'queries' | 'logger' | 'clock'>;

/** The session search the audit routes need; a gateway built without one answers 503. */
export function auditQueries(deps: AuditDeps): SessionQueries {
  if (!deps.queries) {
    throw new AirlockError('audit_unavailable', 'Session search is not configured on this gateway.');
  }
  return deps.queries;
}

/** A store failure becomes a 503 that names no internals (its cause stays for logs); anything else passes. */
export function toAuditError(err: unknown): unknown {
  return err instanceof StoreError
    ? new AirlockError('audit_unavailable', 'The session record cannot be read right now; try again.', { cause: err })
    : err;
}

export async function auditStoreCall<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    throw toAuditError(err);
  }
}

/** Reading the record is itself on record: who read which session, and every failed integrity check. */
export function logRecordRead(deps: AuditDeps, reader: Principal, action: 'show' | 'replay', sessionId: string, integrity: string): void {
  const fields = { sessionId, action, reader: principalKey(reader), integrity };
  if (integrity === 'mismatch') deps.logger.warn('session transcript failed its integrity check', fields);
  else deps.logger.info('session record read', fields);
}
