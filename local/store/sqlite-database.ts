import { DatabaseSync } from 'node:sqlite';

/**
 * The local runtime's embedded database: one SQLite file (`airlock.db` in the data directory) in
 * WAL mode, opened in process with `node:sqlite`. Never imported by Lambda code.
 *
 * Durability: a commit is in the WAL (the OS page cache) before it returns, so it survives
 * `kill -9` of this process in both modes. `normal` (the default) fsyncs the WAL only at
 * checkpoints: a power loss or kernel crash can lose the last commits, which is the price of
 * keeping a commit at microseconds instead of an fsync each. `full` fsyncs the WAL on every
 * commit: durable against power loss too (AIRLOCK_LOCAL_SYNC=full).
 */
export type LocalSyncMode = 'normal' | 'full';

export interface LocalDatabaseOptions {
  /** The database file, or `:memory:` (nothing on disk). */
  path: string;
  sync?: LocalSyncMode;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  status TEXT NOT NULL,
  principal_sub TEXT NOT NULL,
  issuer TEXT NOT NULL,
  client_id TEXT,
  model TEXT,
  decision TEXT,
  risk_score REAL,
  day TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  record TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS sessions_by_principal ON sessions (principal_sub, created_at, id);
CREATE INDEX IF NOT EXISTS sessions_by_status ON sessions (status, created_at, id);
CREATE INDEX IF NOT EXISTS sessions_by_time ON sessions (created_at, id);
CREATE TABLE IF NOT EXISTS approvals (
  id TEXT PRIMARY KEY,
  request_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  status TEXT NOT NULL,
  decide_by TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  approval TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS approvals_by_request_hash ON approvals (request_hash, created_at);
CREATE INDEX IF NOT EXISTS approvals_by_status ON approvals (status, decide_by);
CREATE TABLE IF NOT EXISTS usage_counters (
  id TEXT PRIMARY KEY,
  used INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS tool_sets (
  upstream TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  tool_set TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS transcripts (
  key TEXT PRIMARY KEY,
  segment TEXT NOT NULL,
  offset INTEGER NOT NULL,
  length INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS task_tokens (
  approval_id TEXT PRIMARY KEY,
  task_token TEXT NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;
`;

export function openLocalDatabase(options: LocalDatabaseOptions): DatabaseSync {
  const db = new DatabaseSync(options.path);
  try {
    db.exec('PRAGMA journal_mode = WAL');
    db.exec(`PRAGMA synchronous = ${options.sync === 'full' ? 'FULL' : 'NORMAL'}`);
    // Another connection (a CLI reading the audit trail) may hold the lock for a moment.
    db.exec('PRAGMA busy_timeout = 5000');
    // Checkpoints run in a worker (wal-checkpointer.ts); this is only the backstop if it stops (40 MB of WAL).
    if (options.path !== ':memory:') db.exec('PRAGMA wal_autocheckpoint = 10000');
    db.exec(SCHEMA);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Runs `work` in one transaction: everything or nothing. `work` must not await. */
export function inTransaction<T>(db: DatabaseSync, work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}
