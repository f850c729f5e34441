import { errorForLog, type AirlockLogger } from '../../shared/logger';
import type { SessionQueries, SessionStore } from '../../store/types';
import type { Clock } from '../ports';

export interface SweepDeps {
  queries: SessionQueries;
  sessions: SessionStore;
  logger: AirlockLogger;
  clock: Clock;
}

export interface SweepOptions {
  /** Sessions created longer ago than this are past the longest possible call (upstream deadline plus slack). */
  olderThanMs: number;
  /** Sessions marked per run at most; the next run carries on. Default 500. */
  limit?: number;
}

const DEFAULT_LIMIT = 500;
const PAGE = 100;

/** The error code an interrupted session carries, so an auditor can tell a crash from an upstream failure. */
export const INTERRUPTED_CODE = 'runtime_interrupted';

/**
 * Marks sessions that stayed `in_progress` past the longest possible call as `interrupted`: the
 * process serving them died (Lambda timeout, out of memory, kill -9) before it could finish the
 * record. Reads the status index only (never a scan). Each write is conditional on the session
 * still being `in_progress`, so a session that finishes while the sweep runs keeps its real status.
 * Shared by the scheduled AWS sweep and the local runtime's start-up.
 */
export async function sweepInterrupted(deps: SweepDeps, options: SweepOptions): Promise<{ marked: number }> {
  if (!Number.isFinite(options.olderThanMs) || options.olderThanMs < 0) throw new RangeError('olderThanMs must be a non-negative number');
  const limit = options.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');

  const now = deps.clock.now();
  const cutoff = new Date(now - options.olderThanMs).toISOString();
  const updatedAt = new Date(now).toISOString();
  let marked = 0;
  let seen = 0;
  let cursor: string | undefined;
  do {
    const page = await deps.queries.listSessions(
      { status: 'in_progress', to: cutoff },
      { limit: Math.min(PAGE, limit - seen), ...(cursor ? { cursor } : {}) },
    );
    for (const session of page.items) {
      seen++;
      // The index is eventually consistent: the conditional write is what decides.
      if (session.status !== 'in_progress' || session.createdAt > cutoff) continue;
      try {
        const written = await deps.sessions.update(session.id, { status: 'interrupted', errorCode: INTERRUPTED_CODE, updatedAt }, ['in_progress']);
        if (written) marked++;
      } catch (err) {
        deps.logger.error('session could not be marked interrupted', { sessionId: session.id, error: errorForLog(err) });
      }
    }
    cursor = page.nextCursor;
  } while (cursor && seen < limit);

  if (marked > 0) deps.logger.warn('sessions marked interrupted', { marked, olderThanMs: options.olderThanMs });
  return { marked };
}
