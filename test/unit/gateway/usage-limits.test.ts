import { composeGateway } from '../../../lambdas/gateway/compose';
import { composeMcpGateway } from '../../../lambdas/gateway/compose-mcp';
import { usageLimiter } from '../../../lambdas/gateway/usage/usage-limits';
import { policyFromObject } from '../../../lambdas/inspect/policy';
import type { AirlockLogger } from '../../../lambdas/shared/logger';
import { openLocalDatabase } from '../../../local/store/sqlite-database';
import { SqliteUsageCounters } from '../../../local/store/sqlite-usage-counters';
import { inMemoryGateway, principal, ScriptedProvider } from '../../support/in-memory-gateway';
import { InMemorySessionStore, InMemoryTranscriptStore } from '../../support/in-memory-stores';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } as unknown as AirlockLogger;
const policy = policyFromObject({
  version: 1,
  access: { groups: ['llm-users'] },
  limits: { principal: { requests_per_minute: 3, tokens_per_day: 100 } },
});
const chat = { model: 'echo', messages: [{ role: 'user', content: 'hello' }] };
const answer = (totalTokens: number) => ({ choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }], usage: { prompt_tokens: totalTokens - 1, completion_tokens: 1, total_tokens: totalTokens } });

describe('rate limits and budgets in the gateway', () => {
  const db = openLocalDatabase({ path: ':memory:' });
  afterAll(() => db.close());

  const setUp = (tokensPerAnswer = 10) => {
    let now = Date.parse('2026-12-02T10:00:10.000Z');
    const clock = { now: () => now, monotonic: () => performance.now() };
    const gateway = inMemoryGateway({
      policy,
      script: async () => ({ kind: 'json', body: answer(tokensPerAnswer) }),
      overrides: {
        clock,
        limits: usageLimiter(policy.limits!, new SqliteUsageCounters(db), clock, silent),
        prices: [{ model: 'ech*', input_per_million: 1_000, output_per_million: 4_000 }],
        anthropicProvider: new ScriptedProvider(async () => ({ kind: 'json', body: { input_tokens: 5 } })),
      },
    });
    return { gateway, advance: (ms: number) => (now += ms) };
  };

  it('answers 429 rate_limited with Retry-After in the OpenAI envelope once the minute is used, and again in the next minute', async () => {
    const { gateway, advance } = setUp();
    const caller = principal('minute-user', ['llm-users']);

    const burst = await Promise.all(Array.from({ length: 5 }, () => gateway.call('/v1/chat/completions', { principal: caller, body: chat })));
    advance(60_000);
    const later = await gateway.call('/v1/chat/completions', { principal: caller, body: chat });

    expect(burst.map((r) => r.status).sort()).toEqual([200, 200, 200, 429, 429]);
    const refused = burst.find((r) => r.status === 429)!;
    expect(refused.headers['retry-after']).toBe('50');
    expect(refused.json()).toEqual({ error: { message: 'The limit of 3 requests per minute for you is reached; retry after 50 s.', type: 'rate_limit_error', code: 'rate_limited', param: null } });
    expect(later.status).toBe(200);
    expect(gateway.provider.calls).toHaveLength(4);
  });

  it('answers a refused Anthropic call in its own envelope, and never counts token counting', async () => {
    const { gateway } = setUp();
    const caller = principal('anthropic-user', ['llm-users']);
    const message = { model: 'echo', messages: [{ role: 'user', content: 'hi' }] };

    const counts = await Promise.all(Array.from({ length: 5 }, () => gateway.call('/v1/messages/count_tokens', { principal: caller, body: message })));
    const messages = await Promise.all(Array.from({ length: 4 }, () => gateway.call('/v1/messages', { principal: caller, body: { ...message, max_tokens: 10 } })));

    expect(counts.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(messages.map((r) => r.status).sort()).toEqual([200, 200, 200, 429]);
    expect(messages.find((r) => r.status === 429)!.json()).toMatchObject({ type: 'error', error: { type: 'rate_limit_error', code: 'rate_limited' } });
  });

  it('counts the answer tokens against the day budget and prices the session', async () => {
    const { gateway, advance } = setUp(60);
    const caller = principal('token-user', ['llm-users']);

    const first = await gateway.call('/v1/chat/completions', { principal: caller, body: chat });
    advance(60_000);
    const second = await gateway.call('/v1/chat/completions', { principal: caller, body: chat });
    advance(60_000);
    const third = await gateway.call('/v1/chat/completions', { principal: caller, body: chat });

    expect([first.status, second.status, third.status]).toEqual([200, 200, 429]);
    expect(third.json()).toMatchObject({ error: { code: 'rate_limited', message: expect.stringContaining('100 tokens per day') } });
    const record = await gateway.sessions.get(first.headers['x-airlock-session-id']!);
    // 59 input tokens at $1,000 per million and 1 output token at $4,000 per million.
    expect(record?.costUsd).toBeCloseTo(0.063, 9);
  });
});

describe('composing the gateway with limits', () => {
  const adapters = {
    policy,
    providers: { openai: new ScriptedProvider(async () => ({ kind: 'json', body: {} })) },
    sessions: new InMemorySessionStore(),
    transcripts: new InMemoryTranscriptStore(),
    logger: silent,
    clock: { now: () => Date.now(), monotonic: () => performance.now() },
    newId: () => 'S1',
  };

  it('refuses to start when the policy sets limits and nothing counts them', () => {
    expect(() => composeGateway(adapters)).toThrow('the policy sets limits, and no usage counter store is configured');
  });

  it('wires the limiter when a counter store is given, and leaves the MCP gateway unlimited', () => {
    const db = openLocalDatabase({ path: ':memory:' });

    expect(composeGateway({ ...adapters, usage: new SqliteUsageCounters(db) }).deps.limits).toBeDefined();
    expect(composeMcpGateway({ ...adapters, mcp: { upstreams: [], authorizationServers: [] } }).deps.limits).toBeUndefined();
    db.close();
  });
});
