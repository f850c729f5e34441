import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type * as z from '../../lambdas/shared/zod';
import { approvalSchema, approvalUpdateSchema, storedApprovalSchema } from '../../lambdas/store/approval-schema';
import type { ApprovalRequest, ApprovalStatus, ApprovalStore, ApprovalUpdate, RemovableField, TaskTokenStore } from '../../lambdas/store/approval-types';
import { StoreError } from '../../lambdas/store/store-error';
import { inTransaction } from './sqlite-database';
import { toLocalStoreError } from './sqlite-store-error';

/** As in the approval table: an approval outlives its re-use window by 30 days before it may be deleted. */
const RETAIN_AFTER_REUSE_SECONDS = 30 * 24 * 3600;
const APPROVAL_ID = /^[A-Za-z0-9_-]{10,64}$/;

/** Approval requests in the embedded SQLite database, with the same allow-list and conditional transitions as DynamoApprovalStore. */
export class SqliteApprovalStore implements ApprovalStore {
  private readonly clock: () => Date;
  private readonly insert: StatementSync;
  private readonly select: StatementSync;
  private readonly latestByHash: StatementSync;
  private readonly unfinishedRows: StatementSync;
  private readonly replace: StatementSync;

  constructor(private readonly options: { db: DatabaseSync; clock?: () => Date }) {
    this.clock = options.clock ?? (() => new Date());
    const { db } = options;
    this.insert = db.prepare(
      `INSERT INTO approvals (id, request_hash, created_at, status, decide_by, expires_at, approval)
       VALUES (:id, :request_hash, :created_at, :status, :decide_by, :expires_at, :approval) ON CONFLICT (id) DO NOTHING`,
    );
    this.select = db.prepare('SELECT approval FROM approvals WHERE id = ?');
    this.latestByHash = db.prepare('SELECT approval FROM approvals WHERE request_hash = ? ORDER BY created_at DESC LIMIT 1');
    this.unfinishedRows = db.prepare(`SELECT approval FROM approvals WHERE status IN ('pending', 'approved') ORDER BY decide_by`);
    this.replace = db.prepare('UPDATE approvals SET status = :status, decide_by = :decide_by, expires_at = :expires_at, approval = :approval WHERE id = :id');
  }

  async create(approval: ApprovalRequest): Promise<void> {
    const item = parseOrThrow(approvalSchema, approval, 'approval.create') as ApprovalRequest;
    let changes: number | bigint;
    try {
      ({ changes } = this.insert.run({ ...columnsOf(item), request_hash: item.requestHash, created_at: item.createdAt }));
    } catch (err) {
      throw toLocalStoreError('approval.create', err);
    }
    if (Number(changes) === 0) throw new StoreError('approval.create', 'conflict');
  }

  async get(id: string): Promise<ApprovalRequest | undefined> {
    return this.parsedRow(() => this.select.get(id), 'approval.get');
  }

  async findLatestByHash(requestHash: string): Promise<ApprovalRequest | undefined> {
    return this.parsedRow(() => this.latestByHash.get(requestHash), 'approval.findLatestByHash');
  }

  /** Approvals whose workflow has not ended (`pending`, or `approved` and not yet answered), soonest deadline first: what a restarted runtime resumes. */
  unfinished(): ApprovalRequest[] {
    try {
      return (this.unfinishedRows.all() as { approval: string }[]).map((row) => parseStored(row.approval, 'approval.unfinished'));
    } catch (err) {
      throw toLocalStoreError('approval.unfinished', err);
    }
  }

  async transition(
    id: string,
    from: ApprovalStatus[],
    update: ApprovalUpdate,
    options: { undecidedAt?: string; remove?: RemovableField[] } = {},
  ): Promise<boolean> {
    if (from.length === 0) return false;
    const fields = parseOrThrow(approvalUpdateSchema, update, 'approval.transition') as ApprovalUpdate;
    try {
      return inTransaction(this.options.db, () => {
        const row = this.select.get(id) as { approval: string } | undefined;
        if (!row) return false;
        const stored = parseStored(row.approval, 'approval.transition');
        if (!from.includes(stored.status)) return false;
        if (options.undecidedAt && !(stored.decideBy > new Date(options.undecidedAt).toISOString())) return false;
        const next: Record<string, unknown> = { ...stored };
        for (const [field, value] of Object.entries(fields)) if (value !== undefined) next[field] = value;
        next.updatedAt = fields.updatedAt ?? this.clock().toISOString();
        for (const field of options.remove ?? []) delete next[field];
        this.replace.run(columnsOf(next as unknown as ApprovalRequest));
        return true;
      });
    } catch (err) {
      throw toLocalStoreError('approval.transition', err);
    }
  }

  private async parsedRow(read: () => unknown, operation: string): Promise<ApprovalRequest | undefined> {
    let row: { approval: string } | undefined;
    try {
      row = read() as { approval: string } | undefined;
    } catch (err) {
      throw toLocalStoreError(operation, err);
    }
    return row ? parseStored(row.approval, operation) : undefined;
  }
}

/** Task tokens in their own table: only the notify and decide steps use this store. Never logged. */
export class SqliteTaskTokenStore implements TaskTokenStore {
  private readonly upsert: StatementSync;
  private readonly select: StatementSync;
  private readonly remove: StatementSync;

  constructor(options: { db: DatabaseSync }) {
    this.upsert = options.db.prepare(
      'INSERT INTO task_tokens (approval_id, task_token, expires_at) VALUES (?, ?, ?) ON CONFLICT (approval_id) DO UPDATE SET task_token = excluded.task_token, expires_at = excluded.expires_at',
    );
    this.select = options.db.prepare('SELECT task_token FROM task_tokens WHERE approval_id = ?');
    this.remove = options.db.prepare('DELETE FROM task_tokens WHERE approval_id = ?');
  }

  async put(approvalId: string, taskToken: string, expiresAt: Date): Promise<void> {
    checkId(approvalId);
    this.run('taskToken.put', () => this.upsert.run(approvalId, taskToken, Math.ceil(expiresAt.getTime() / 1000)));
  }

  async get(approvalId: string): Promise<string | undefined> {
    checkId(approvalId);
    const row = this.run('taskToken.get', () => this.select.get(approvalId)) as { task_token: string } | undefined;
    return row?.task_token;
  }

  async delete(approvalId: string): Promise<void> {
    checkId(approvalId);
    this.run('taskToken.delete', () => this.remove.run(approvalId));
  }

  private run<T>(operation: string, work: () => T): T {
    try {
      return work();
    } catch (err) {
      throw toLocalStoreError(operation, err);
    }
  }
}

function checkId(approvalId: string): void {
  if (!APPROVAL_ID.test(approvalId)) throw new StoreError('taskToken', 'invalid', { fields: ['approvalId'] });
}

function columnsOf(approval: ApprovalRequest): { id: string; status: string; decide_by: string; expires_at: number; approval: string } {
  return {
    id: approval.id,
    status: approval.status,
    decide_by: approval.decideBy,
    expires_at: Math.ceil(Date.parse(approval.reuseUntil) / 1000) + RETAIN_AFTER_REUSE_SECONDS,
    approval: JSON.stringify(approval),
  };
}

function parseStored(json: string, operation: string): ApprovalRequest {
  const parsed = storedApprovalSchema.safeParse(JSON.parse(json));
  if (!parsed.success) throw new StoreError(operation, 'corrupt', { fields: parsed.error.issues.map((i) => i.path.join('.')) });
  return parsed.data as ApprovalRequest;
}

function parseOrThrow<T extends z.ZodMiniType>(schema: T, value: unknown, operation: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new StoreError(operation, 'invalid', { fields: parsed.error.issues.map((i) => i.path.join('.')) });
  return parsed.data;
}
