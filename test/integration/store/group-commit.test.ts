import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { GroupCommit } from '../../../local/store/group-commit';
import { openLocalDatabase } from '../../../local/store/sqlite-database';
import { startWalCheckpointer } from '../../../local/store/wal-checkpointer';

describe('group commit on the embedded database', () => {
  let dir: string;
  let db: DatabaseSync;
  const rows = () => (db.prepare('SELECT COUNT(*) AS n FROM log').get() as { n: number }).n;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'airlock-group-commit-'));
    db = openLocalDatabase({ path: join(dir, 'airlock.db') });
    db.exec('CREATE TABLE IF NOT EXISTS log (id TEXT PRIMARY KEY) STRICT');
  });
  afterEach(async () => {
    db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes requested in one turn share a transaction; one that fails rolls back alone', async () => {
    const writes = new GroupCommit(db);
    const insert = db.prepare('INSERT INTO log (id) VALUES (?)');
    const other = new DatabaseSync(join(dir, 'airlock.db'));
    let seenByOtherDuringLastWrite = -1;
    const results = await Promise.allSettled([
      writes.run(() => insert.run('a')),
      writes.run(() => {
        insert.run('b');
        throw new Error('refused after writing');
      }),
      writes.run(() => insert.run('a')), // primary key conflict
      writes.run(() => {
        // 'a' is written but not committed yet: the four writes are one transaction.
        seenByOtherDuringLastWrite = (other.prepare('SELECT COUNT(*) AS n FROM log').get() as { n: number }).n;
        insert.run('c');
      }),
    ]);
    other.close();

    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('refused after writing'));
    expect(seenByOtherDuringLastWrite).toBe(0);
    expect(db.prepare('SELECT id FROM log ORDER BY id').all().map((r) => r.id)).toEqual(['a', 'c']);
    expect(db.isTransaction).toBe(false);
  });

  it('settles a write only once it is committed: another connection already reads it', async () => {
    const writes = new GroupCommit(db);
    const other = new DatabaseSync(join(dir, 'airlock.db'));
    try {
      const pending = writes.run(() => db.prepare('INSERT INTO log (id) VALUES (?)').run('durable'));
      expect(other.prepare('SELECT COUNT(*) AS n FROM log').get()).toEqual({ n: 0 });
      await pending;
      expect(other.prepare('SELECT COUNT(*) AS n FROM log').get()).toEqual({ n: 1 });
    } finally {
      other.close();
    }
    expect(rows()).toBe(1);
  });

  it('the worker checkpoints the WAL into the database file', async () => {
    const insert = db.prepare('INSERT INTO log (id) VALUES (?)');
    db.exec('BEGIN');
    for (let i = 0; i < 5_000; i++) insert.run(`row-${i}-${'x'.repeat(200)}`);
    db.exec('COMMIT');
    const before = (await stat(join(dir, 'airlock.db'))).size;
    const checkpointer = startWalCheckpointer(join(dir, 'airlock.db'), { intervalMs: 50 });
    try {
      const deadline = Date.now() + 10_000;
      while ((await stat(join(dir, 'airlock.db'))).size <= before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    } finally {
      await checkpointer.stop();
    }
    expect((await stat(join(dir, 'airlock.db'))).size).toBeGreaterThan(before + 1_000_000);
  });
});
