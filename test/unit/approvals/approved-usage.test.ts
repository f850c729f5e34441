import { composeRecordStep } from '../../../lambdas/gateway/compose-approval-steps';
import { composeGateway, composeInvokeStep } from '../../../lambdas/gateway/compose';
import { bufferedSink } from '../../../lambdas/aws/buffered-sink';
import type { GatewayRequest } from '../../../lambdas/gateway/http';
import { policyFromObject } from '../../../lambdas/inspect/policy';
import { openLocalDatabase } from '../../../local/store/sqlite-database';
import { SqliteUsageCounters } from '../../../local/store/sqlite-usage-counters';
import { principal, ScriptedProvider } from '../../support/in-memory-gateway';
import { InMemoryApprovalStore, InMemorySessionStore, InMemoryTranscriptStore } from '../../support/in-memory-stores';

/**
 * The approved path's usage through the composition root: every prompt is reviewed, the upstream
 * reports 10 tokens per answer, each caller may spend 15 a day. One charge leaves room for another
 * request; two would spend the budget.
 */
const policy = policyFromObject({
  version: 1,
  access: { groups: ['llm-users'] },
  defaults: { risk: { review_at: 0, block_at: 101 } },
  limits: { principal: { tokens_per_day: 15 } },
});
const PRICES = [{ model: 'echo', input_per_million: 2, output_per_million: 8 }];
const quiet = { info() {}, warn() {}, error() {}, debug() {} } as never;
const clock = { now: () => Date.now(), monotonic: () => performance.now() };
const answer = { id: 'c', object: 'chat.completion', model: 'echo', choices: [{ index: 0, message: { role: 'assistant', content: 'done' }, finish_reason: 'stop' }], usage: { prompt_tokens: 6, completion_tokens: 4, total_tokens: 10 } };

function setup() {
  const db = openLocalDatabase({ path: ':memory:' });
  const usage = new SqliteUsageCounters(db);
  const sessions = new InMemorySessionStore();
  const transcripts = new InMemoryTranscriptStore();
  const approvals = new InMemoryApprovalStore();
  const upstream = new ScriptedProvider(async () => ({ kind: 'json', body: answer }));
  const records = { policy, providers: { openai: upstream }, sessions, transcripts, usage, prices: PRICES, logger: quiet, clock };
  let ids = 0;
  const gateway = composeGateway({ ...records, approvals: { store: approvals, workflow: { start: async () => undefined } }, newId: () => `S${String(++ids).padStart(25, '0')}` });
  const invoke = composeInvokeStep({ ...records, approvals });
  const record = composeRecordStep({ approvals, sessions, transcripts, logger: quiet, clock });
  const call = async (sub: string, content: string) => {
    const sink = bufferedSink();
    const body = JSON.stringify({ model: 'echo', messages: [{ role: 'user', content }] });
    const req: GatewayRequest = { method: 'POST', path: '/v1/chat/completions', query: {}, headers: { 'content-type': 'application/json' }, body, principal: principal(sub, ['llm-users']), receivedAt: performance.now() };
    await gateway.app(req, sink);
    const { statusCode, body: out } = sink.result();
    return { status: statusCode, json: () => JSON.parse(out) as { error?: { code: string; request_id: string } } };
  };
  /** Holds a prompt of `sub`'s and approves it; returns the approval id. */
  const heldAndApproved = async (sub: string, content: string) => {
    const held = await call(sub, content);
    expect(held.json().error?.code).toBe('approval_pending');
    const id = held.json().error!.request_id;
    await approvals.transition(id, ['pending'], { status: 'approved' });
    return id;
  };
  return { call, invoke, record, heldAndApproved, approvals, sessions, upstream, close: () => db.close() };
}

describe('approved answers against budgets and prices', () => {
  it('charges the answer to the requester once, however often and however concurrently the step runs', async () => {
    const t = setup();
    const id = await t.heldAndApproved('ann', 'first question');

    await Promise.all([t.invoke({ approvalId: id }), t.invoke({ approvalId: id })]);
    await t.invoke({ approvalId: id });
    const withRoom = await t.call('ann', 'second question');
    const second = await t.heldAndApproved('ann', 'third question');
    await t.invoke({ approvalId: second });
    const spent = await t.call('ann', 'fourth question');

    // 10 tokens of 15: the next request is still held, not refused; 20 of 15: refused.
    expect(withRoom.json().error?.code).toBe('approval_pending');
    expect(spent.status).toBe(429);
    expect(spent.json().error?.code).toBe('rate_limited');
    t.close();
  });

  it('charges the requester, never another caller, and records the answer’s cost on the held session', async () => {
    const t = setup();
    const id = await t.heldAndApproved('ben', 'a question');
    await t.invoke({ approvalId: id });
    await t.invoke({ approvalId: await t.heldAndApproved('ben', 'another question') });
    await t.record({ approvalId: id, outcome: 'completed' });

    const approval = (await t.approvals.get(id))!;
    const session = await t.sessions.get(approval.sessionId);
    const ben = await t.call('ben', 'one more');
    const cay = await t.call('cay', 'my own question');

    expect(approval.result?.costUsd).toBeCloseTo((6 * 2 + 4 * 8) / 1_000_000, 12);
    expect(session).toMatchObject({ status: 'completed', usage: { totalTokens: 10 }, costUsd: approval.result?.costUsd });
    expect(ben.status).toBe(429);
    expect(cay.json().error?.code).toBe('approval_pending');
    t.close();
  });

  it('refuses to compose an invoke step that would not count approved answers against the policy’s limits', () => {
    expect(() => composeInvokeStep({ policy, providers: { openai: new ScriptedProvider(async () => ({ kind: 'json', body: answer })) }, approvals: new InMemoryApprovalStore(), sessions: new InMemorySessionStore(), transcripts: new InMemoryTranscriptStore(), logger: quiet, clock })).toThrow(
      /no usage counter store/,
    );
  });
});
