import { readFileSync } from 'node:fs';
import { allowedUpstreamRequests, combineDecision, matchToolRule } from '../../../lambdas/inspect/mcp-policy';
import { parsePolicy } from '../../../lambdas/inspect/policy-yaml';
import { policyFromObject, PolicyError, resolveGroupPolicy } from '../../../lambdas/inspect/policy';
import { shellEffects } from '../../../lambdas/inspect/commands/shell-effects';
import { sqlEffects } from '../../../lambdas/inspect/commands/sql-effects';
import { parsePostgres } from '../../../lambdas/inspect/commands/sql-grammar';
import type { CommandArgument } from '../../../lambdas/inspect/commands/effect';
import { RISK_RULES } from '../../../lambdas/inspect/risk/registry';
import { assessRisk } from '../../../lambdas/inspect/risk/score';

const base = { version: 1, access: { groups: ['llm-users'] } };

describe('MCP tool policy', () => {
  const policy = policyFromObject({
    ...base,
    mcp: {
      tools: [
        { tool: 'db.*', groups: ['contractors'], arguments: { sql: '(?i)\\bcustomers\\b' }, action: 'review' },
        { tool: 'ops.exec', action: 'block' },
        { tool: 'db.list_tables', action: 'allow' },
      ],
    },
  }).mcp;

  it('matches by tool glob, group and argument pattern, first rule first', () => {
    expect(matchToolRule(policy, ['contractors'], 'db.run_sql', { sql: 'select * from CUSTOMERS' })?.action).toBe('review');
    expect(matchToolRule(policy, ['llm-users'], 'db.run_sql', { sql: 'select * from customers' })).toBeUndefined();
    expect(matchToolRule(policy, ['contractors'], 'db.run_sql', { sql: 'select 1' })).toBeUndefined();
    expect(matchToolRule(policy, ['llm-users'], 'ops.exec', {})?.action).toBe('block');
  });

  it('lets a rule raise a decision, and allow waive review but never a block', () => {
    const allow = matchToolRule(policy, ['llm-users'], 'db.list_tables', {});
    const block = matchToolRule(policy, ['llm-users'], 'ops.exec', {});

    expect(combineDecision('allow', block)).toBe('block');
    expect(combineDecision('review', allow)).toBe('allow');
    expect(combineDecision('block', allow)).toBe('block');
    expect(combineDecision('review', undefined)).toBe('review');
  });

  it('refuses an invalid rule with its path', () => {
    expect(() => policyFromObject({ ...base, mcp: { tools: [{ tool: 'x', action: 'maybe' }] } })).toThrow(PolicyError);
    expect(() => policyFromObject({ ...base, mcp: { tools: [{ tool: 'x', action: 'block', arguments: { sql: '(' } }] } })).toThrow(/mcp\.tools\.0\.arguments\.sql/);
  });

  it('allows upstream requests (sampling, elicitation) only to the upstreams it names; nothing by default', () => {
    const mcp = policyFromObject({ ...base, mcp: { upstreams: { research: { allow: ['sampling', 'elicitation'] }, db: {} } } }).mcp;

    expect(allowedUpstreamRequests(mcp, 'research')).toEqual(['sampling', 'elicitation']);
    expect(allowedUpstreamRequests(mcp, 'db')).toEqual([]);
    expect(allowedUpstreamRequests(mcp, 'other')).toEqual([]);
    expect(allowedUpstreamRequests(policy, 'db')).toEqual([]);
    expect(() => policyFromObject({ ...base, mcp: { upstreams: { research: { allow: ['roots'] } } } })).toThrow(/mcp\.upstreams\.research\.allow\.0/);
  });

  it('parses the shipped policy file with its mcp section', () => {
    const shipped = parsePolicy(readFileSync('airlock.policy.yaml', 'utf8'), 'airlock.policy.yaml');

    expect(shipped.mcp?.protected_namespaces).toContain('prod');
    expect(matchToolRule(shipped.mcp, ['contractors'], 'db.run_sql', { sql: 'DELETE FROM customers WHERE id = 1' })?.action).toBe('review');
  });
});

describe('risk.signals for command effects (command.<sql|shell>.<effect>)', () => {
  const withSignals = (signals: Record<string, number>) => policyFromObject({ ...base, defaults: { risk: { signals } } });
  const assess = (signals: Record<string, number>, commands: CommandArgument[]) =>
    assessRisk({ texts: [], findings: [], policy: resolveGroupPolicy(withSignals(signals), ['llm-users'])!.risk, commands, sqlParser: parsePostgres, shellAnalyser: shellEffects });
  const drop: CommandArgument = { language: 'sql', text: 'DROP TABLE customers' };
  const rmRf: CommandArgument = { language: 'shell', text: 'rm -rf /srv/data' };

  it('re-weights one effect by its exact id, leaving the others at their defaults', () => {
    const risk = assess({ 'command.sql.drop_table': 10 }, [drop, rmRf]);

    expect(risk.reasons.map((r) => [r.id, r.points])).toEqual([
      ['command.shell.rm_rf', 90],
      ['command.sql.drop_table', 10],
    ]);
  });

  it('disables a whole language by its dotted prefix; the exact id wins over the prefix', () => {
    const risk = assess({ 'command.shell': 0, 'command.sql': 0, 'command.sql.drop_table': 40 }, [drop, rmRf]);

    expect(risk).toMatchObject({ score: 40, decision: 'allow', reasons: [{ id: 'command.sql.drop_table', points: 40 }] });
  });

  it('accepts the rule ids and the bare `command` prefix as keys', () => {
    expect(assess({ command: 5 }, [drop, rmRf]).score).toBe(10);
    expect(assess({ command_sql: 0 }, [drop, rmRf]).reasons.map((r) => r.id)).toEqual(['command.shell.rm_rf']);
  });

  it('refuses a misspelt command signal, naming the ids that exist', () => {
    expect(() => withSignals({ 'command.sql.drop_tabel': 0 })).toThrow(/risk\.signals\.command\.sql\.drop_tabel: unknown risk signal \(known: .*command\.sql\.drop_table/);
    expect(() => withSignals({ 'command.sq': 0 })).toThrow(PolicyError);
  });

  it('declares every effect id the parsers emit, so each can be set in the policy', () => {
    const declared = new Set([...(RISK_RULES.command_sql!.signals ?? []), ...(RISK_RULES.command_shell!.signals ?? [])]);
    const sql = ['DROP TABLE a', 'DROP VIEW v', 'DROP INDEX i', 'DROP TYPE t', 'TRUNCATE a', 'DELETE FROM a', 'UPDATE a SET x = 1', 'ALTER TABLE a DROP COLUMN b', 'GRANT SELECT ON a TO r', 'REVOKE SELECT ON a FROM r'];
    const shell = ['rm -rf /x', 'kubectl delete ns prod', 'kubectl scale deploy api --replicas=0 -n prod', 'terraform destroy', 'aws iam attach-role-policy --role-name r', 'aws ec2 authorize-security-group-ingress --group-id g', 'aws s3 rb s3://b --force'];

    const emitted = [
      ...sql.flatMap((t) => sqlEffects(t, parsePostgres).effects.map((e) => `command.sql.${e.id}`)),
      ...shell.flatMap((t) => shellEffects(t, { protectedNamespaces: ['prod'] }).effects.map((e) => `command.shell.${e.id}`)),
    ];

    expect(emitted).toHaveLength(sql.length + shell.length);
    for (const id of emitted) expect([id, declared.has(id)]).toEqual([id, true]);
  });
});
