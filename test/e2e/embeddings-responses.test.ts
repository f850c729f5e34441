import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startEchoUpstream, type EchoUpstream } from '../../local/echo-upstream';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process';
import { fake } from '../unit/inspect/fixtures';

// Built at run time so the repository itself holds no key-shaped string.
const CANARY_AWS_KEY = ['AKIA', 'R5T2CANARY', 'Z8K4QD'].join('');
const MASKED = '[REDACTED:aws_access_key_id]';

const POLICY = `
version: 1
access: { groups: [llm-users] }
defaults:
  models: { allow: ["echo", "echo-*"] }
  detectors: { private_key: block }
limits:
  groups:
    burst: { requests_per_minute: 4 }
    frugal: { tokens_per_day: 1 }
`;
const PRICES = [{ model: 'echo*', input_per_million: 2, output_per_million: 8 }];

describe('embeddings, responses and token counting through the local runtime (official clients)', () => {
  let upstream: EchoUpstream;
  let gateway: GatewayProcess;
  let dir: string;
  let openai: OpenAI;
  let anthropic: Anthropic;

  const upstreamSaw = (from: number) => upstream.requests.slice(from).join('\n');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'airlock-routes-'));
    await writeFile(join(dir, 'policy.yaml'), POLICY);
    upstream = await startEchoUpstream({ models: ['echo', 'forbidden-model'] });
    gateway = await startGatewayProcess({
      AIRLOCK_UPSTREAM_URL: upstream.url,
      AIRLOCK_ANTHROPIC_URL: upstream.url,
      AIRLOCK_POLICY: join(dir, 'policy.yaml'),
      AIRLOCK_PRICES: JSON.stringify(PRICES),
      AIRLOCK_UPSTREAM_RETRIES: '0',
    });
    const token = await gateway.token('alice', ['llm-users']);
    openai = new OpenAI({ baseURL: gateway.apiBaseUrl, apiKey: token, maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: gateway.apiBaseUrl.replace(/\/v1$/, ''), authToken: token, apiKey: null, maxRetries: 0 });
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await upstream?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    upstream.script = undefined;
    upstream.chunking = {};
    upstream.reply = (body) => `Echo: ${String(body.messages?.at(-1)?.content ?? '')}`;
  });

  describe('POST /v1/embeddings', () => {
    it('masks a planted secret in every input before it leaves, and answers the vectors', async () => {
      const before = upstream.requests.length;

      const { data, response } = await openai.embeddings
        .create({ model: 'echo', input: ['plain words', `deploy key ${CANARY_AWS_KEY}`] })
        .withResponse();

      expect(data.data).toHaveLength(2);
      expect(data.data[0]?.embedding).toHaveLength(4);
      expect(data.data[0]?.embedding[1]).toBeCloseTo(0.5);
      expect(upstreamSaw(before)).toContain(MASKED);
      expect(upstreamSaw(before)).not.toContain(CANARY_AWS_KEY);
      const item = await gateway.settledSession(response.headers.get('x-airlock-session-id')!);
      expect(item).toMatchObject({ route: 'POST /v1/embeddings', status: 'completed', decision: 'allow', model: 'echo' });
      expect(item?.findingCounts).toMatchObject({ aws_access_key_id: 1 });
    });

    it('passes token arrays as they are', async () => {
      const before = upstream.requests.length;

      const answer = await openai.embeddings.create({ model: 'echo', input: [[101, 2023, 102]], encoding_format: 'float' });

      expect(answer.data[0]?.embedding).toHaveLength(4);
      expect(JSON.parse(upstream.requests[before]!).input).toEqual([[101, 2023, 102]]);
    });

    it('masks a secret the upstream puts in its answer', async () => {
      upstream.script = { json: { object: 'list', model: 'echo', data: [{ object: 'embedding', index: 0, embedding: [0.1] }], usage: { prompt_tokens: 1, total_tokens: 1 }, note: `leaked ${CANARY_AWS_KEY}` } };

      const answer = (await openai.embeddings.create({ model: 'echo', input: 'hello', encoding_format: 'float' })) as unknown as { note: string };

      expect(answer.note).toBe(`leaked ${MASKED}`);
    });

    it('refuses a forbidden model without forwarding', async () => {
      const before = upstream.requests.length;

      const refused = await openai.embeddings.create({ model: 'forbidden-model', input: 'hello' }).catch((e: unknown) => e);

      expect(refused).toBeInstanceOf(OpenAI.PermissionDeniedError);
      expect((refused as InstanceType<typeof OpenAI.APIError>).code).toBe('model_not_allowed');
      expect(upstream.requests.length).toBe(before);
    });

    it('refuses an input with a blocked secret without forwarding', async () => {
      const before = upstream.requests.length;

      const refused = await openai.embeddings.create({ model: 'echo', input: ['ok', fake.pemKey()] }).catch((e: unknown) => e);

      expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(403);
      expect((refused as InstanceType<typeof OpenAI.APIError>).code).toBe('prompt_blocked');
      expect(upstream.requests.length).toBe(before);
    });
  });

  it('refuses a prompt the policy sends to review on a route approvals cannot replay, without forwarding', async () => {
    const before = upstream.requests.length;

    const refused = await openai.responses.create({ model: 'echo', input: 'run DROP DATABASE production; then rm -rf / on the host' }).catch((e: unknown) => e);

    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(403);
    expect((refused as InstanceType<typeof OpenAI.APIError>).code).toBe('approval_required');
    expect((refused as InstanceType<typeof OpenAI.APIError>).headers?.get('x-airlock-decision')).toBe('review');
    expect(upstream.requests.length).toBe(before);
  });

  describe('POST /v1/responses', () => {
    it('masks input items before they leave and output items in the answer', async () => {
      upstream.reply = () => `your key ${CANARY_AWS_KEY} is here`;
      const before = upstream.requests.length;

      const { data, response } = await openai.responses
        .create({ model: 'echo', instructions: 'be brief', input: [{ role: 'user', content: [{ type: 'input_text', text: `store ${CANARY_AWS_KEY} please` }] }] })
        .withResponse();

      expect(data.output_text).toBe(`your key ${MASKED} is here`);
      expect(upstreamSaw(before)).toContain(MASKED);
      expect(upstreamSaw(before)).not.toContain(CANARY_AWS_KEY);
      const item = await gateway.settledSession(response.headers.get('x-airlock-session-id')!);
      expect(item).toMatchObject({ route: 'POST /v1/responses', status: 'completed', usage: { promptTokens: expect.any(Number), completionTokens: expect.any(Number) } });
    });

    it('streams typed events and masks a secret split across deltas', async () => {
      const words = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
      upstream.reply = () => `${words}, then ${CANARY_AWS_KEY} and ${words}`;
      upstream.chunking = { chunkChars: 3 };

      const stream = await openai.responses.create({ model: 'echo', input: 'tell me the key', stream: true });
      const deltas: string[] = [];
      const types = new Set<string>();
      let done = '';
      let completed = '';
      for await (const event of stream) {
        types.add(event.type);
        if (event.type === 'response.output_text.delta') deltas.push(event.delta);
        if (event.type === 'response.output_text.done') done = event.text;
        if (event.type === 'response.completed') {
          completed = event.response.output.flatMap((item) => (item.type === 'message' ? item.content : [])).map((part) => (part.type === 'output_text' ? part.text : '')).join('');
        }
      }

      const text = deltas.join('');
      expect(text).toBe(`${words}, then ${MASKED} and ${words}`);
      expect(done).toBe(text);
      expect(completed).toBe(text);
      // The masker holds back only a bounded tail, so the answer arrives in many pieces, not at the end.
      expect(deltas.length).toBeGreaterThan(20);
      expect([...types]).toEqual(expect.arrayContaining(['response.created', 'response.output_item.added', 'response.output_item.done', 'response.completed']));
    });

    it('keeps the secret out of the transcript of a streamed response', async () => {
      upstream.reply = () => `again ${CANARY_AWS_KEY}`;
      upstream.chunking = { chunkChars: 2 };

      const { data: stream, response } = await openai.responses.create({ model: 'echo', input: `mine is ${CANARY_AWS_KEY}`, stream: true }).withResponse();
      for await (const _event of stream) {
        // drain
      }

      const item = await gateway.settledSession(response.headers.get('x-airlock-session-id')!);
      expect(item).toMatchObject({ route: 'POST /v1/responses', stream: true, status: 'completed' });
      const stored = await gateway.everythingStored();
      expect(stored).toContain(MASKED);
      expect(stored).not.toContain(CANARY_AWS_KEY);
      expect(gateway.output()).not.toContain(CANARY_AWS_KEY);
    });

    it('refuses a forbidden model without forwarding', async () => {
      const before = upstream.requests.length;

      const refused = await openai.responses.create({ model: 'forbidden-model', input: 'hi' }).catch((e: unknown) => e);

      expect((refused as InstanceType<typeof OpenAI.APIError>).code).toBe('model_not_allowed');
      expect(upstream.requests.length).toBe(before);
    });
  });

  describe('POST /v1/messages/count_tokens', () => {
    it('counts the masked prompt at the upstream and records the call', async () => {
      const before = upstream.requests.length;

      const { data, response } = await anthropic.messages
        .countTokens({ model: 'echo', messages: [{ role: 'user', content: `count ${CANARY_AWS_KEY} tokens` }] })
        .withResponse();

      expect(data.input_tokens).toBeGreaterThan(0);
      expect(upstreamSaw(before)).toContain(MASKED);
      expect(upstreamSaw(before)).not.toContain(CANARY_AWS_KEY);
      const item = await gateway.settledSession(response.headers.get('x-airlock-session-id')!);
      expect(item).toMatchObject({ route: 'POST /v1/messages/count_tokens', status: 'completed', decision: 'allow' });
      expect(item?.usage).toBeUndefined();
    });

    it('masks a secret the upstream puts in its answer', async () => {
      upstream.script = { json: { input_tokens: 3, note: `leaked ${CANARY_AWS_KEY}` } };

      const data = (await anthropic.messages.countTokens({ model: 'echo', messages: [{ role: 'user', content: 'hi' }] })) as unknown as { note: string };

      expect(data.note).toBe(`leaked ${MASKED}`);
    });

    it('refuses a blocked secret and a forbidden model without forwarding', async () => {
      const before = upstream.requests.length;

      const blocked = await anthropic.messages.countTokens({ model: 'echo', messages: [{ role: 'user', content: fake.pemKey() }] }).catch((e: unknown) => e);
      const forbidden = await anthropic.messages.countTokens({ model: 'forbidden-model', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);

      expect(blocked).toBeInstanceOf(Anthropic.PermissionDeniedError);
      expect((blocked as { error?: { error?: { code?: string } } }).error?.error?.code).toBe('prompt_blocked');
      expect(forbidden).toBeInstanceOf(Anthropic.PermissionDeniedError);
      expect((forbidden as { error?: { error?: { code?: string } } }).error?.error?.code).toBe('model_not_allowed');
      expect(upstream.requests.length).toBe(before);
    });
  });

  describe('rate limits, budgets and cost', () => {
    it('lets exactly the limit through of parallel requests, and answers the rest 429 with Retry-After', async () => {
      // A burst that straddles a minute boundary would meet two windows: start it early in a minute.
      const intoMinute = Date.now() % 60_000;
      if (intoMinute > 50_000) await new Promise((r) => setTimeout(r, 60_500 - intoMinute));
      const client = new OpenAI({ baseURL: gateway.apiBaseUrl, apiKey: await gateway.token('bob', ['llm-users', 'burst']), maxRetries: 0 });

      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          client.embeddings
            .create({ model: 'echo', input: `request ${i}`, encoding_format: 'float' })
            .withResponse()
            .then(() => 'ok' as const)
            .catch((e: unknown) => e as InstanceType<typeof OpenAI.APIError>),
        ),
      );

      const refused = results.filter((r): r is InstanceType<typeof OpenAI.APIError> => r !== 'ok');
      expect(results.filter((r) => r === 'ok')).toHaveLength(4);
      expect(refused).toHaveLength(6);
      for (const r of refused) {
        expect(r.status).toBe(429);
        expect(r.code).toBe('rate_limited');
        expect(r.type).toBe('rate_limit_error');
        const retryAfter = Number(r.headers?.get('retry-after'));
        expect(retryAfter).toBeGreaterThanOrEqual(1);
        expect(retryAfter).toBeLessThanOrEqual(60);
      }
    });

    it('admits exactly the limit on the embedded SQLite store too', async () => {
      const embedded = await startGatewayProcess({ AIRLOCK_UPSTREAM_URL: upstream.url, AIRLOCK_POLICY: join(dir, 'policy.yaml'), AIRLOCK_LOCAL_STORES: 'embedded' });
      try {
        const intoMinute = Date.now() % 60_000;
        if (intoMinute > 50_000) await new Promise((r) => setTimeout(r, 60_500 - intoMinute));
        const client = new OpenAI({ baseURL: embedded.apiBaseUrl, apiKey: await embedded.token('bob', ['llm-users', 'burst']), maxRetries: 0 });

        const statuses = await Promise.all(
          Array.from({ length: 9 }, (_, i) =>
            client.responses.create({ model: 'echo', input: `request ${i}` }).then(
              () => 200,
              (e: unknown) => (e as InstanceType<typeof OpenAI.APIError>).status,
            ),
          ),
        );

        expect(statuses.sort()).toEqual([200, 200, 200, 200, 429, 429, 429, 429, 429]);
      } finally {
        await embedded.stop();
      }
    }, 60_000);

    it('refuses once the day budget is spent by the tokens the upstream reported', async () => {
      const client = new OpenAI({ baseURL: gateway.apiBaseUrl, apiKey: await gateway.token('dora', ['llm-users', 'frugal']), maxRetries: 0 });

      await client.responses.create({ model: 'echo', input: 'spend my budget' });
      const refused = await client.responses.create({ model: 'echo', input: 'and more' }).catch((e: unknown) => e as InstanceType<typeof OpenAI.APIError>);

      expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
      expect((refused as InstanceType<typeof OpenAI.APIError>).code).toBe('rate_limited');
      expect((refused as InstanceType<typeof OpenAI.APIError>).message).toContain('tokens per day');
      const retryAfter = Number((refused as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(86_400);
    });

    it('prices each session and sums the cost per principal in the audit API', async () => {
      const client = new OpenAI({ baseURL: gateway.apiBaseUrl, apiKey: await gateway.token('carol', ['llm-users']), maxRetries: 0 });
      const ids: string[] = [];
      for (const input of ['first question', 'a second, longer question about costs']) {
        const { response } = await client.responses.create({ model: 'echo', input }).withResponse();
        ids.push(response.headers.get('x-airlock-session-id')!);
      }
      const { response } = await client.embeddings.create({ model: 'echo', input: 'embed me', encoding_format: 'float' }).withResponse();
      ids.push(response.headers.get('x-airlock-session-id')!);
      const items = await Promise.all(ids.map((id) => gateway.settledSession(id)));
      const expected = items.map((i) => {
        const usage = i?.usage as { promptTokens?: number; completionTokens?: number; totalTokens?: number };
        const output = usage.completionTokens ?? (usage.totalTokens ?? 0) - (usage.promptTokens ?? 0);
        return ((usage.promptTokens ?? 0) * 2 + output * 8) / 1_000_000;
      });
      for (const [n, item] of items.entries()) expect(item?.costUsd).toBeCloseTo(expected[n]!, 9);

      const auditor = await gateway.token('ada', ['auditors']);
      const answer = await fetch(`${gateway.apiBaseUrl}/airlock/usage?principal=carol`, { headers: { authorization: `Bearer ${auditor}` } });
      const usage = (await answer.json()) as Record<string, unknown>;

      expect(answer.status).toBe(200);
      expect(usage).toMatchObject({ object: 'airlock.usage', principal: 'carol', sessions: 3, priced_sessions: 3, complete: true });
      expect(usage.cost_usd as number).toBeCloseTo(expected.reduce((a, b) => a + b, 0), 9);
      expect(usage.cost_usd as number).toBeGreaterThan(0);
    });

    it("refuses a caller reading another caller's usage", async () => {
      const token = await gateway.token('erin', ['llm-users']);

      const own = await fetch(`${gateway.apiBaseUrl}/airlock/usage`, { headers: { authorization: `Bearer ${token}` } });
      const foreign = await fetch(`${gateway.apiBaseUrl}/airlock/usage?principal=carol`, { headers: { authorization: `Bearer ${token}` } });

      expect(own.status).toBe(200);
      expect(await own.json()).toMatchObject({ principal: 'erin', sessions: 0, cost_usd: 0 });
      expect(foreign.status).toBe(403);
    });
  });
});
