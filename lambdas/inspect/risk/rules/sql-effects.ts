import { effectSignals } from '../../commands/effect-signals';
import { sqlEffects } from '../../commands/sql-effects';
import type { RiskRule } from '../rule';

/** The effects sql-effects.ts finds with the PostgreSQL grammar (DROP keywords: those the grammar reads). */
const SQL_EFFECTS = ['drop_table', 'drop_view', 'drop_index', 'drop_type', 'drop_object', 'truncate_table', 'delete_without_where', 'update_without_where', 'alter_drop', 'grant', 'revoke'];

/** SQL tool arguments, parsed: DROP, TRUNCATE, DELETE/UPDATE without WHERE, ALTER … DROP, GRANT. */
export const sqlEffectsRule: RiskRule = {
  id: 'command_sql',
  signals: [...SQL_EFFECTS, 'unparsed'].map((e) => `command.sql.${e}`),
  evaluate({ commands, sqlParser }) {
    const sql = (commands ?? []).filter((c) => c.language === 'sql');
    return sql.length ? effectSignals('sql', sql.map((c) => sqlEffects(c.text, sqlParser))) : [];
  },
};
