import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { deepFreeze } from '../../lambdas/shared/deep-freeze';
import { StoreError } from '../../lambdas/store/store-error';
import { toolSetSchema } from '../../lambdas/store/tool-pin-schema';
import type { ToolPinStore, UpstreamToolSet } from '../../lambdas/store/tool-pin-types';
import { toLocalStoreError } from './sqlite-store-error';

/** Tool sets in the embedded database (table `tool_sets`), with the same allow-list and version check as DynamoToolPinStore. */
export class SqliteToolPinStore implements ToolPinStore {
  private readonly select: StatementSync;
  private readonly insert: StatementSync;
  private readonly replace: StatementSync;
  private readonly lastRead = new Map<string, { text: string; set: UpstreamToolSet }>();

  constructor(options: { db: DatabaseSync }) {
    this.select = options.db.prepare('SELECT tool_set FROM tool_sets WHERE upstream = ?');
    this.insert = options.db.prepare('INSERT INTO tool_sets (upstream, version, tool_set) VALUES (?, ?, ?) ON CONFLICT (upstream) DO NOTHING');
    this.replace = options.db.prepare('UPDATE tool_sets SET version = ?, tool_set = ? WHERE upstream = ? AND version = ?');
  }

  async get(upstream: string): Promise<UpstreamToolSet | undefined> {
    let row: { tool_set: string } | undefined;
    try {
      row = this.select.get(upstream) as { tool_set: string } | undefined;
    } catch (err) {
      throw toLocalStoreError('toolSet.get', err);
    }
    if (!row) return undefined;
    // Every MCP call reads its upstream's set; parsing and validating it again each time cost more
    // than the query. The same stored text gives the same (frozen) set.
    const known = this.lastRead.get(upstream);
    if (known?.text === row.tool_set) return known.set;
    const parsed = toolSetSchema.safeParse(JSON.parse(row.tool_set));
    if (!parsed.success) throw new StoreError('toolSet.get', 'corrupt', { fields: parsed.error.issues.map((i) => i.path.join('.')) });
    const set = deepFreeze(parsed.data);
    this.lastRead.set(upstream, { text: row.tool_set, set });
    return set;
  }

  async put(set: UpstreamToolSet): Promise<boolean> {
    const parsed = toolSetSchema.safeParse(set);
    if (!parsed.success) throw new StoreError('toolSet.put', 'invalid', { fields: parsed.error.issues.map((i) => i.path.join('.')) });
    const { upstream, version } = parsed.data;
    try {
      const { changes } =
        version === 1 ? this.insert.run(upstream, version, JSON.stringify(parsed.data)) : this.replace.run(version, JSON.stringify(parsed.data), upstream, version - 1);
      return Number(changes) === 1;
    } catch (err) {
      throw toLocalStoreError('toolSet.put', err);
    }
  }
}
