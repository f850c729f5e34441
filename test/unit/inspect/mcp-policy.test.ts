import { readFileSync } from 'node:fs';
import { combineDecision, matchToolRule } from '../../../lambdas/inspect/mcp-policy';
import { parsePolicy } from '../../../lambdas/inspect/policy-yaml';
import { policyFromObject, PolicyError } from '../../../lambdas/inspect/policy';

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

  it('parses the shipped policy file with its mcp section', () => {
    const shipped = parsePolicy(readFileSync('airlock.policy.yaml', 'utf8'), 'airlock.policy.yaml');

    expect(shipped.mcp?.protected_namespaces).toContain('prod');
    expect(matchToolRule(shipped.mcp, ['contractors'], 'db.run_sql', { sql: 'DELETE FROM customers WHERE id = 1' })?.action).toBe('review');
  });
});
