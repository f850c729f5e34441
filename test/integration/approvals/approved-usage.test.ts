import { randomUUID } from 'node:crypto';
import { mailed, startApprovalHarness, type ApprovalHarness } from './approval-harness';

const PRICES = [{ model: 'echo', input_per_million: 2, output_per_million: 8 }];

/**
 * A held prompt's answer is made by the approval workflow, not by the request that collects it:
 * its tokens and cost must still land on the caller who asked, once, in the same counters and
 * records as a direct answer (budget per principal: 1 token a day, so one answer spends it).
 */
describe('approved answers count like direct ones: budgets, session cost, the audit usage API', () => {
  let h: ApprovalHarness;

  beforeAll(async () => {
    h = await startApprovalHarness({ prices: PRICES, policy: (p) => void (p.limits = { principal: { tokens_per_day: 1 }, groups: {} }) });
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
  });

  const dangerous = () => ({ model: 'echo', messages: [{ role: 'user', content: `Run DROP DATABASE customers on prod (ref ${randomUUID()})` }] });
  const harmless = (text: string) => ({ model: 'echo', messages: [{ role: 'user', content: text }] });

  it('charges the requester (not the approver) once, even when the answer is collected twice; the spent budget refuses the next request', async () => {
    const alice = await h.token('alice', ['llm-users']);
    const carolCaller = await h.token('carol', ['llm-users']);
    const body = dangerous();
    const held = await h.chat(alice, body);
    const { error } = (await held.json()) as { error: { code: string; request_id: string } };
    expect(error.code).toBe('approval_pending');
    const sessionId = held.headers.get('x-airlock-session-id')!;

    await h.decide(await mailed(h, error.request_id), await h.approverCookie('carol', ['approvers']), 'approve');
    await h.approvals.workflow.settled(error.request_id);
    const collected = [await h.chat(alice, body), await h.chat(alice, body)];
    const status = (await (await h.status(alice, error.request_id)).json()) as { status: string };

    // Collecting is not refused by the budget the answer itself spent.
    expect(collected.map((r) => r.status)).toEqual([200, 200]);
    expect(status.status).toBe('completed');
    const session = (await h.sessions.get(sessionId))!;
    const { promptTokens = 0, completionTokens = 0, totalTokens = 0 } = session.usage ?? {};
    expect(totalTokens).toBeGreaterThan(1);
    const cost = (promptTokens * 2 + completionTokens * 8) / 1_000_000;
    expect(session).toMatchObject({ status: 'completed', costUsd: cost });

    const summary = (await (await h.usageSummary(alice)).json()) as Record<string, number>;
    expect(summary).toMatchObject({ sessions: 3, priced_sessions: 1, total_tokens: totalTokens, prompt_tokens: promptTokens, completion_tokens: completionTokens });
    expect(summary.cost_usd).toBeCloseTo(cost, 9);

    const next = await h.chat(alice, harmless('hello again'));
    expect(next.status).toBe(429);
    expect(((await next.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'rate_limited', message: expect.stringContaining('1 tokens per day for you') });
    const retryAfter = Number(next.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(86_400);

    // The approver's own budget is untouched: their first request goes through.
    const carols = await h.chat(carolCaller, harmless('my own question'));
    expect(carols.status).toBe(200);
    expect(await (await h.usageSummary(carolCaller)).json()).toMatchObject({ principal: 'carol', sessions: 1 });
  });
});
