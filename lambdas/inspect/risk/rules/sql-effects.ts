import { effectSignals } from '../../commands/effect-signals';
import { sqlEffects } from '../../commands/sql-effects';
import type { RiskRule } from '../rule';

/** SQL tool arguments, parsed: DROP, TRUNCATE, DELETE/UPDATE without WHERE, ALTER … DROP, GRANT. */
export const sqlEffectsRule: RiskRule = {
  id: 'command_sql',
  evaluate({ commands, sqlParser }) {
    const sql = (commands ?? []).filter((c) => c.language === 'sql');
    return sql.length ? effectSignals('sql', sql.map((c) => sqlEffects(c.text, sqlParser))) : [];
  },
};
