import { sqlEffects as analyse } from '../../../../lambdas/inspect/commands/sql-effects';
import { parsePostgres } from '../../../../lambdas/inspect/commands/sql-grammar';

const sqlEffects = (sql: string) => analyse(sql, parsePostgres);

const ids = (sql: string) => sqlEffects(sql).effects.map((e) => e.id);

describe('SQL effects (parsed, not matched)', () => {
  it.each([
    ['DROP TABLE customers', 'drop_table'],
    ['DROP/**/TABLE customers', 'drop_table'],
    ['dRoP -- a comment\n  TaBlE "customers"', 'drop_table'],
    ['TRUNCATE customers', 'truncate_table'],
    ['DELETE FROM customers', 'delete_without_where'],
    ['UPDATE customers SET email = NULL', 'update_without_where'],
    ['ALTER TABLE customers DROP COLUMN email', 'alter_drop'],
    ['GRANT ALL ON customers TO mallory', 'grant'],
  ])('finds the effect of %j', (sql, effect) => {
    expect(ids(sql)).toContain(effect);
  });

  it('reads every statement, not only the first', () => {
    expect(ids('SELECT 1; DROP TABLE customers')).toEqual(['drop_table']);
  });

  it('finds nothing destructive in reads and bounded writes', () => {
    expect(ids('SELECT name FROM customers WHERE id = 1')).toEqual([]);
    expect(ids('DELETE FROM customers WHERE id = 7')).toEqual([]);
    expect(ids("UPDATE customers SET city = 'Lyon' WHERE id = 7")).toEqual([]);
  });

  it('names the table in the label an approver sees', () => {
    expect(sqlEffects('DROP TABLE customers').effects[0]!.label).toBe('DROP TABLE customers');
  });

  it('reads as unparsed without a parser (a caller that injects none gets no free pass)', () => {
    expect(analyse('DROP TABLE customers', undefined).parsed).toBe(false);
  });

  it('reports text it cannot parse as unparsed, never as harmless', () => {
    expect(sqlEffects('DROP DATABASE prod').parsed).toBe(false);
    expect(sqlEffects('this is not SQL at all').parsed).toBe(false);
  });

  it('parses a text once and answers it again from its analysis, which nobody can change', () => {
    const texts: string[] = [];
    const counting = (sql: string) => (texts.push(sql), parsePostgres(sql));
    const drop = `DROP TABLE t_${Date.now()}`;

    const first = analyse(drop, counting);
    const again = analyse(drop, counting);
    analyse('SELECT 1', counting);

    expect(texts).toEqual([drop, 'SELECT 1']);
    expect(again).toBe(first);
    expect(Object.isFrozen(first.effects[0])).toBe(true);
    expect(() => (first.effects as unknown[]).push({})).toThrow(TypeError);
  });
});
