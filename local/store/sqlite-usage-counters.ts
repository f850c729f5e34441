import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { UsageCounters } from '../../lambdas/store/usage-counters';
import { toLocalStoreError } from './sqlite-store-error';

/**
 * The usage counters in the embedded SQLite database: one upsert whose `WHERE` is the limit, so
 * the check and the increment are one statement (SQLite serialises writers).
 */
export class SqliteUsageCounters implements UsageCounters {
  private readonly consumeStatement: StatementSync;
  private readonly addStatement: StatementSync;
  private readonly readStatement: StatementSync;

  constructor(db: DatabaseSync) {
    this.consumeStatement = db.prepare(
      `INSERT INTO usage_counters (id, used, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET used = used + excluded.used, expires_at = excluded.expires_at WHERE used + excluded.used <= ?`,
    );
    this.addStatement = db.prepare(
      `INSERT INTO usage_counters (id, used, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET used = used + excluded.used, expires_at = excluded.expires_at`,
    );
    this.readStatement = db.prepare('SELECT used FROM usage_counters WHERE id = ?');
  }

  async consume(key: string, amount: number, limit: number, expiresAt: number): Promise<boolean> {
    if (amount > limit) return false;
    try {
      return Number(this.consumeStatement.run(key, amount, expiresAt, limit).changes) === 1;
    } catch (err) {
      throw toLocalStoreError('usage.consume', err);
    }
  }

  async add(key: string, amount: number, expiresAt: number): Promise<void> {
    try {
      this.addStatement.run(key, amount, expiresAt);
    } catch (err) {
      throw toLocalStoreError('usage.add', err);
    }
  }

  async read(key: string): Promise<number> {
    try {
      const row = this.readStatement.get(key) as { used?: number } | undefined;
      return typeof row?.used === 'number' ? row.used : 0;
    } catch (err) {
      throw toLocalStoreError('usage.read', err);
    }
  }
}
