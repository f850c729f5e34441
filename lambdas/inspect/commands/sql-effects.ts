import { createHash } from 'node:crypto';
import { BoundedCache } from '../../shared/bounded-cache';
import { deepFreeze } from '../../shared/deep-freeze';
import type { CommandAnalysis, CommandEffect } from './effect';

/** Parses SQL into node-sql-parser's AST (sql-grammar.ts); throws on text it cannot read. */
export type SqlParse = (sql: string) => unknown;

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The effects of a SQL text, read from the parsed statements (comments, casing and quoting do not
 * matter: a comment between DROP and TABLE still parses as DROP TABLE). Every statement counts, not only the first.
 */
export function sqlEffects(sql: string, parse: SqlParse | undefined): CommandAnalysis {
  if (!parse) return { effects: [], parsed: false };
  // Agents send the same queries again and again, and parsing costs ~0.4–0.8 ms of CPU: the
  // analysis is kept per text. The key is the text's SHA-256 and the value holds no literal (effect
  // ids and table names only), so the cache keeps nothing of an argument's values.
  const known = analyses.get(parse);
  const key = createHash('sha256').update(sql).digest('base64');
  const cached = known?.get(key);
  if (cached) return cached;
  const analysis = deepFreeze(parseEffects(sql, parse));
  const cache = known ?? new BoundedCache<string, CommandAnalysis>(MAX_CACHED);
  if (!known) analyses.set(parse, cache);
  cache.set(key, analysis);
  return analysis;
}

const MAX_CACHED = 1000;
const analyses = new WeakMap<SqlParse, BoundedCache<string, CommandAnalysis>>();

function parseEffects(sql: string, parse: SqlParse): CommandAnalysis {
  let ast: unknown;
  try {
    ast = parse(sql);
  } catch {
    return { effects: [], parsed: false };
  }
  const effects: CommandEffect[] = [];
  for (const statement of Array.isArray(ast) ? ast : [ast]) {
    if (isNode(statement)) effects.push(...statementEffects(statement));
  }
  return { effects, parsed: true };
}

function statementEffects(s: Node): CommandEffect[] {
  const type = String(s.type ?? '').toLowerCase();
  const keyword = String(s.keyword ?? '').toLowerCase();
  switch (type) {
    case 'drop':
      return [{ id: `drop_${keyword || 'object'}`, label: `DROP ${keyword.toUpperCase() || 'object'} ${tableNames(s.name)}`.trim(), severity: 'destructive' }];
    case 'truncate':
      return [{ id: 'truncate_table', label: `TRUNCATE ${tableNames(s.name)}`.trim(), severity: 'destructive' }];
    case 'delete':
      return s.where ? [] : [{ id: 'delete_without_where', label: `DELETE without WHERE on ${tableNames(s.from ?? s.table)}`.trim(), severity: 'destructive' }];
    case 'update':
      return s.where ? [] : [{ id: 'update_without_where', label: `UPDATE without WHERE on ${tableNames(s.table)}`.trim(), severity: 'destructive' }];
    case 'alter': {
      const actions = Array.isArray(s.expr) ? s.expr.filter(isNode) : [];
      return actions.some((a) => String(a.action ?? '').toLowerCase() === 'drop')
        ? [{ id: 'alter_drop', label: `ALTER … DROP on ${tableNames(s.table)}`.trim(), severity: 'destructive' }]
        : [];
    }
    case 'grant':
    case 'revoke':
      return [{ id: type, label: type.toUpperCase(), severity: 'privilege' }];
    default:
      return [];
  }
}

/** Table names for a label (identifiers from the statement, at most three, each cut to 64 characters). */
function tableNames(list: unknown): string {
  if (!Array.isArray(list)) return '';
  return list
    .filter(isNode)
    .map((t) => String(t.table ?? t.name ?? '').slice(0, 64))
    .filter(Boolean)
    .slice(0, 3)
    .join(', ');
}
