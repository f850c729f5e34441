import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { dayOf, fromSessionItem, toSessionItem, toSessionUpdate, type SessionItem } from '../../lambdas/store/session-item';
import { StoreError } from '../../lambdas/store/store-error';
import type { SessionRecord, SessionStatus, SessionStore, SessionUpdate } from '../../lambdas/store/types';
import { GroupCommit } from './group-commit';
import { toLocalStoreError } from './sqlite-store-error';

export interface SqliteSessionStoreOptions {
  db: DatabaseSync;
  /** The database's group commit, when other stores share it; else the store makes its own. */
  writes?: GroupCommit;
  /** Days after `createdAt` after which the start-up sweep deletes the session (as DynamoDB's TTL would). */
  ttlDays: number;
  clock?: () => Date;
}

/**
 * Sessions in the embedded SQLite database. Records go through the same allow-list as the
 * DynamoDB item (toSessionItem), are stored as JSON, and the fields the audit search filters on
 * are copied into indexed columns.
 */
export class SqliteSessionStore implements SessionStore {
  private readonly ttlDays: number;
  private readonly clock: () => Date;
  private readonly insert: StatementSync;
  private readonly select: StatementSync;
  private readonly replace: StatementSync;
  private readonly writes: GroupCommit;

  constructor(private readonly options: SqliteSessionStoreOptions) {
    if (!Number.isInteger(options.ttlDays) || options.ttlDays <= 0) throw new RangeError('ttlDays must be a positive integer');
    this.ttlDays = options.ttlDays;
    this.clock = options.clock ?? (() => new Date());
    const { db } = options;
    this.writes = options.writes ?? new GroupCommit(db);
    this.insert = db.prepare(
      `INSERT INTO sessions (id, created_at, status, principal_sub, issuer, client_id, model, decision, risk_score, day, expires_at, record)
       VALUES (:id, :created_at, :status, :principal_sub, :issuer, :client_id, :model, :decision, :risk_score, :day, :expires_at, :record)
       ON CONFLICT (id) DO NOTHING`,
    );
    this.select = db.prepare('SELECT record, expires_at FROM sessions WHERE id = ?');
    this.replace = db.prepare(
      `UPDATE sessions SET status = :status, model = :model, decision = :decision, risk_score = :risk_score, client_id = :client_id, record = :record WHERE id = :id`,
    );
  }

  async create(record: SessionRecord): Promise<void> {
    const columns = columnsOf(toSessionItem(record, this.ttlDays));
    let changes: number | bigint;
    try {
      ({ changes } = await this.writes.run(() => this.insert.run(columns)));
    } catch (err) {
      throw toLocalStoreError('session.create', err);
    }
    if (Number(changes) === 0) throw new StoreError('session.create', 'conflict');
  }

  async update(id: string, update: SessionUpdate, expectedStatus?: SessionStatus[]): Promise<boolean> {
    if (expectedStatus && expectedStatus.length === 0) return false;
    const fields = toSessionUpdate(update);
    const updatedAt = fields.updatedAt ?? this.clock().toISOString();
    try {
      // Synchronous from read to write inside one transaction, so no other write can come in between (the conditional write).
      return await this.writes.run(() => {
        const stored = this.read(id);
        if (!stored) return false;
        if (expectedStatus && !expectedStatus.includes(stored.status)) return false;
        const { id: key, status, model, decision, risk_score, client_id, record } = columnsOf({ ...stored, ...fields, updatedAt });
        this.replace.run({ id: key, status, model, decision, risk_score, client_id, record });
        return true;
      });
    } catch (err) {
      throw toLocalStoreError('session.update', err);
    }
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    try {
      const item = this.read(id);
      return item ? fromSessionItem(item as unknown as Record<string, unknown>) : undefined;
    } catch (err) {
      throw toLocalStoreError('session.get', err);
    }
  }

  /** The stored item: the record with its index attributes (what a DynamoDB GetItem returns, less the shards SQLite does not need). */
  item(id: string): StoredItem | undefined {
    return this.read(id);
  }

  private read(id: string): StoredItem | undefined {
    const row = this.select.get(id) as { record: string; expires_at: number } | undefined;
    if (!row) return undefined;
    const record = JSON.parse(row.record) as SessionRecord;
    return { ...record, principalSub: record.principal.sub, day: dayOf(record.createdAt), expiresAt: row.expires_at };
  }
}

/** One database on one machine has no partitions to spread: the day and status columns stay unsharded. */
type StoredItem = Omit<SessionItem, 'statusShard'>;

interface SessionColumns extends Record<string, SQLInputValue> {
  id: string;
  status: string;
  model: string | null;
  decision: string | null;
  risk_score: number | null;
  client_id: string | null;
  record: string;
}

function columnsOf(item: StoredItem & Partial<Pick<SessionItem, 'statusShard'>>): SessionColumns {
  const { principalSub: _s, statusShard: _t, day: _d, expiresAt: _e, ...record } = item;
  return {
    id: item.id,
    created_at: item.createdAt,
    status: item.status,
    principal_sub: item.principal.sub,
    issuer: item.principal.issuer,
    client_id: item.principal.clientId ?? null,
    model: item.model ?? null,
    decision: item.decision ?? null,
    risk_score: item.risk?.score ?? null,
    day: dayOf(item.createdAt),
    expires_at: item.expiresAt,
    record: JSON.stringify(record),
  };
}
