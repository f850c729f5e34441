import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApprovalRequest, ApprovalStore, TaskTokenStore } from '../../lambdas/store/approval-types';
import type { ToolPinStore } from '../../lambdas/store/tool-pin-types';
import type { SessionQueries, SessionStore, TranscriptStore } from '../../lambdas/store/types';
import type { UsageCounters } from '../../lambdas/store/usage-counters';
import { GroupCommit } from './group-commit';
import { MemoryTranscriptStore } from './memory-transcript-store';
import { SegmentTranscriptStore } from './segment-transcript-store';
import { SqliteApprovalStore, SqliteTaskTokenStore } from './sqlite-approval-store';
import { openLocalDatabase, type LocalSyncMode } from './sqlite-database';
import { startWalCheckpointer } from './wal-checkpointer';
import { SqliteSessionQueries } from './sqlite-session-queries';
import { SqliteSessionStore } from './sqlite-session-store';
import { SqliteUsageCounters } from './sqlite-usage-counters';
import { SqliteToolPinStore } from './sqlite-tool-pin-store';

/** Every store the local runtime records through, whichever engine is behind them. */
export interface RuntimeStores {
  sessions: SessionStore;
  queries: SessionQueries;
  transcripts: TranscriptStore;
  approvals: ApprovalStore;
  taskTokens: TaskTokenStore;
  /** The rate limits' and budgets' counters. */
  usage: UsageCounters;
  /** The MCP upstreams' tool fingerprints (pinned tools). */
  toolPins: ToolPinStore;
  /** Approvals whose workflow has not ended (`pending`, `approved`): a restarted runtime resumes them. */
  unfinishedApprovals(): Promise<ApprovalRequest[]>;
  /** One line for the banner: where the records are. */
  describe: string;
  close(): Promise<void>;
}

export interface EmbeddedSqliteStoresOptions {
  /** The data directory (`airlock.db`, `transcripts/`). Unset: SQLite `:memory:` and in-memory transcripts, nothing on disk. */
  dataDir?: string;
  ttlDays?: number;
  sync?: LocalSyncMode;
  clock?: () => Date;
}

/** The default local engine: sessions and approvals in SQLite, transcripts appended to segment files indexed in SQLite. */
export async function openEmbeddedSqliteStores(options: EmbeddedSqliteStoresOptions = {}): Promise<RuntimeStores & { sessionStore: SqliteSessionStore; transcriptFiles?: SegmentTranscriptStore }> {
  const path = options.dataDir ? join(options.dataDir, 'airlock.db') : ':memory:';
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const db = openLocalDatabase({ path, ...(options.sync ? { sync: options.sync } : {}) });
  const clock = options.clock ?? (() => new Date());
  const checkpointer = options.dataDir ? startWalCheckpointer(path) : undefined;
  // One group commit per database: a transcript's index row and its session's writes commit together.
  const writes = new GroupCommit(db);
  const sessions = new SqliteSessionStore({ db, writes, ttlDays: options.ttlDays ?? 400, clock });
  const approvals = new SqliteApprovalStore({ db, clock });
  const transcriptFiles = options.dataDir ? new SegmentTranscriptStore({ directory: options.dataDir, db, writes, clock, ...(options.sync ? { sync: options.sync } : {}) }) : undefined;
  // DynamoDB's TTL, done at start-up: records past their retention go.
  const nowSeconds = Math.floor(clock().getTime() / 1000);
  db.prepare('DELETE FROM sessions WHERE expires_at < ?').run(nowSeconds);
  db.prepare('DELETE FROM approvals WHERE expires_at < ?').run(nowSeconds);
  db.prepare('DELETE FROM task_tokens WHERE expires_at < ?').run(nowSeconds);
  db.prepare('DELETE FROM usage_counters WHERE expires_at < ?').run(nowSeconds);
  let closed = false;
  return {
    sessions,
    sessionStore: sessions,
    queries: new SqliteSessionQueries({ db, clock }),
    transcripts: transcriptFiles ?? new MemoryTranscriptStore(),
    ...(transcriptFiles ? { transcriptFiles } : {}),
    approvals,
    taskTokens: new SqliteTaskTokenStore({ db }),
    usage: new SqliteUsageCounters(db),
    toolPins: new SqliteToolPinStore({ db }),
    unfinishedApprovals: async () => approvals.unfinished(),
    describe: options.dataDir ? `SQLite ${path}, transcripts in ${join(options.dataDir, 'transcripts', 'segments')}` : 'in memory (SQLite :memory:, nothing on disk)',
    close: async () => {
      if (closed) return;
      closed = true;
      await checkpointer?.stop();
      transcriptFiles?.close();
      db.close();
    },
  };
}
