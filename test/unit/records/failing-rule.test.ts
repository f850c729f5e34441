import { createInspector } from '../../../lambdas/inspect';
import { policyFromObject } from '../../../lambdas/inspect/policy';
import type { RiskRule } from '../../../lambdas/inspect/risk/rule';
import { inMemoryGateway, principal } from '../../support/in-memory-gateway';

const throwingRule: RiskRule = {
  id: 'always_throws',
  evaluate: () => {
    throw new Error('rule bug');
  },
};

const policyWith = (review_at: number, block_at: number) =>
  policyFromObject({ version: 1, access: { groups: ['llm-users'] }, defaults: { risk: { review_at, block_at } } });

describe('a risk rule that throws', () => {
  it.each([
    [50, 90],
    [100, 101],
    [0, 101],
  ])('blocks the request with review_at %i and block_at %i, and forwards nothing', async (reviewAt, blockAt) => {
    const gw = inMemoryGateway({ policy: policyWith(reviewAt, blockAt), overrides: { inspectorFor: (gp) => createInspector(gp, { rules: [throwingRule] }) } });

    const reply = await gw.call('/v1/chat/completions', { principal: principal('alice', ['llm-users']), body: { model: 'echo', messages: [{ role: 'user', content: 'hello' }] } });

    expect(reply.status).toBe(403);
    expect(reply.json().error.code).toBe('prompt_blocked');
    expect(gw.provider.calls).toHaveLength(0);
    const [session] = gw.sessions.items.values();
    expect(session).toMatchObject({ status: 'blocked', decision: 'block' });
    expect(session?.risk?.reasons.map((r) => r.id)).toContain('rule_error.always_throws');
  });

  it('lets the same prompt through when no rule fails (the block comes from the failure)', async () => {
    const gw = inMemoryGateway({ policy: policyWith(100, 101), overrides: { inspectorFor: (gp) => createInspector(gp, { rules: [] }) } });

    const reply = await gw.call('/v1/chat/completions', { principal: principal('alice', ['llm-users']), body: { model: 'echo', messages: [{ role: 'user', content: 'hello' }] } });

    expect(reply.status).toBe(200);
  });
});
