import { callerFacingError } from '../../../lambdas/gateway/upstream-errors';
import { createInspector } from '../../../lambdas/inspect';
import { policyFromObject } from '../../../lambdas/inspect/policy';
import { anthropicProvider } from '../../../lambdas/providers/anthropic';
import { OpenAICompatibleProvider, type OpenAICompatibleOptions } from '../../../lambdas/providers/openai-compatible';
import { AirlockError } from '../../../lambdas/shared/errors';
import { answer, completion, silent, startFaultUpstream, stream, type Behaviour, type FaultUpstream } from './fault-upstream';

/**
 * The upstream client under faults, against a real HTTP server on loopback. Timings are asserted
 * only as generous bounds ("before the deadline plus slack", "not before the Retry-After").
 */
const SLACK_MS = 1_500;
const PLANTED_KEY = ['AKIA', 'Z7Q3CANARY', 'X2V9WQ'].join('');
const mask = (text: string) => createInspector(policyFromObject({ version: 1, access: { groups: ['llm-users'] } }).defaults).maskText(text).masked;
const chat = { model: 'm', messages: [{ role: 'user', content: 'ping' }] };

describe('upstream client under faults', () => {
  let upstream: FaultUpstream;
  const provider = (overrides: Partial<OpenAICompatibleOptions> = {}) =>
    new OpenAICompatibleProvider({ baseUrl: upstream.url, apiKey: async () => 'k-test', timeoutMs: 2_000, retries: 2, backoffMs: 10, ...overrides });
  const failure = (p: OpenAICompatibleProvider, signal?: AbortSignal) =>
    p.call({ path: '/chat/completions', body: chat, stream: false, ...(signal ? { signal } : {}) }).then(
      () => {
        throw new Error('expected the call to fail');
      },
      (err: unknown) => err as AirlockError,
    );

  beforeEach(async () => {
    upstream = await startFaultUpstream();
  });
  afterEach(() => upstream.close());

  describe('one deadline per call', () => {
    it.each([
      [0, 'within 600 ms (1 attempt)'],
      [1, 'within the 1000 ms deadline (2 attempts)'],
      [3, 'within the 1000 ms deadline (2 attempts)'],
      [5, 'within the 1000 ms deadline (2 attempts)'],
    ])('answers a silent upstream 504 by the deadline with %i retries, naming the limit that was hit', async (retries, limit) => {
      upstream.script = [silent];
      const started = performance.now();

      const err = await failure(provider({ timeoutMs: 600, deadlineMs: 1_000, retries }));

      expect(err).toBeInstanceOf(AirlockError);
      expect(err).toMatchObject({ status: 504, code: 'upstream_timeout' });
      expect(err.message).toContain(limit);
      expect(performance.now() - started).toBeLessThan(1_000 + SLACK_MS);
      expect(upstream.seen.length).toBeLessThanOrEqual(2);
    });

    it('bounds a single attempt by the deadline when the deadline is shorter than the first-byte timeout', async () => {
      upstream.script = [silent];
      const started = performance.now();

      const err = await failure(provider({ timeoutMs: 20_000, deadlineMs: 800, retries: 5 }));

      expect(err.status).toBe(504);
      expect(err.message).toContain('800 ms deadline (1 attempt)');
      expect(performance.now() - started).toBeLessThan(800 + SLACK_MS);
      expect(upstream.seen).toHaveLength(1);
    });

    it('names the first-byte timeout when that, not the deadline, ended the last attempt', async () => {
      upstream.script = [silent];

      const err = await failure(provider({ timeoutMs: 300, deadlineMs: 10_000, retries: 1 }));

      expect(err.status).toBe(504);
      expect(err.message).toBe('The upstream did not answer within 300 ms (2 attempts).');
      expect(upstream.seen).toHaveLength(2);
    });

    it('retries inside the deadline and returns the answer that finally comes', async () => {
      upstream.script = [answer(503, { error: { message: 'busy' } }), answer(502, {}), completion('third time')];

      const result = await provider({ retries: 2 }).call({ path: '/chat/completions', body: chat, stream: false });

      expect(result).toMatchObject({ kind: 'json', body: { choices: [{ message: { content: 'third time' } }] } });
      expect(upstream.seen).toHaveLength(3);
    });
  });

  describe('Retry-After', () => {
    it('waits the Retry-After seconds before the retry when they fit in the deadline', async () => {
      upstream.script = [answer(503, { error: { message: 'busy' } }, { 'retry-after': '1' }), completion('after the wait')];

      const result = await provider({ deadlineMs: 10_000, backoffMs: 1 }).call({ path: '/chat/completions', body: chat, stream: false });

      expect(result.kind).toBe('json');
      expect(upstream.seen).toHaveLength(2);
      expect(upstream.seen[1]!.at - upstream.seen[0]!.at).toBeGreaterThanOrEqual(950);
    });

    it('does not wait a Retry-After longer than what is left of the deadline, and answers 429 with it at once', async () => {
      upstream.script = [answer(429, { error: { message: 'Rate limit reached for org-secret-org' } }, { 'retry-after': '30' }), completion('never asked')];
      const started = performance.now();

      const err = await failure(provider({ deadlineMs: 5_000, retries: 3 }));

      expect(err).toMatchObject({ status: 429, type: 'rate_limit_error', code: 'upstream_rate_limited' });
      expect(err.headers['retry-after']).toBe('30');
      expect(upstream.seen).toHaveLength(1);
      expect(performance.now() - started).toBeLessThan(5_000);
    });

    it('passes a 429 Retry-After given as an HTTP date on to the caller in seconds', async () => {
      const inTwentySeconds = new Date(Date.now() + 20_000).toUTCString();
      upstream.script = [answer(429, { error: { message: 'slow down' } }, { 'retry-after': inTwentySeconds })];

      const err = await failure(provider({ retries: 0 }));

      expect(err.status).toBe(429);
      const seconds = Number(err.headers['retry-after']);
      expect(seconds).toBeGreaterThanOrEqual(18);
      expect(seconds).toBeLessThanOrEqual(21);
    });

    it('keeps the upstream 429 message from the caller: it concerns the gateway account', async () => {
      upstream.script = [answer(429, { error: { message: 'Rate limit reached for org-secret-org' } })];

      const err = callerFacingError(await failure(provider({ retries: 0 })), mask);

      expect(err.message).not.toContain('org-secret-org');
    });
  });

  describe('what the caller is told', () => {
    it('passes the upstream 400 message and param on, masked, when the upstream echoes a secret', async () => {
      upstream.script = [answer(400, { error: { message: `Unsupported parameter: foo (value ${PLANTED_KEY})`, type: 'invalid_request_error', param: 'foo', code: 'unsupported_parameter' } })];

      const raw = await failure(provider());
      const err = callerFacingError(raw, mask);

      expect(raw.message).not.toContain(PLANTED_KEY);
      expect(err).toMatchObject({ status: 400, type: 'invalid_request_error', param: 'foo' });
      expect(err.message).toContain('Unsupported parameter: foo');
      expect(JSON.stringify(err.toJSON())).not.toContain(PLANTED_KEY);
      expect(upstream.seen).toHaveLength(1);
    });

    it('passes an Anthropic-format 400 message on, masked', async () => {
      upstream.script = [answer(400, { type: 'error', error: { type: 'invalid_request_error', message: `max_tokens: Field required; key ${PLANTED_KEY}` } })];
      const anthropic = anthropicProvider({ baseUrl: upstream.url, apiKey: async () => 'k-ant', timeoutMs: 2_000, retries: 0 });

      const err = callerFacingError(await failure(anthropic as OpenAICompatibleProvider), mask);

      expect(err.status).toBe(400);
      expect(err.message).toContain('max_tokens: Field required');
      expect(err.message).not.toContain(PLANTED_KEY);
    });

    it('caps a long upstream message', async () => {
      upstream.script = [answer(422, { error: { message: `Invalid value: ${'x'.repeat(5_000)}` } })];

      const err = callerFacingError(await failure(provider()), mask);

      expect(err.status).toBe(422);
      expect(err.message.length).toBeLessThan(600);
    });

    it('keeps a 5xx message generic', async () => {
      upstream.script = [answer(500, { error: { message: `stack trace with ${PLANTED_KEY}` } })];

      const err = callerFacingError(await failure(provider({ retries: 0 })), mask);

      expect(err).toMatchObject({ status: 502, code: 'upstream_error' });
      expect(err.message).toBe('The upstream failed with status 500.');
    });

    it('keeps a 401 about the gateway credential generic', async () => {
      upstream.script = [answer(401, { error: { message: 'Incorrect API key provided: k-test', code: 'invalid_api_key' } })];

      const err = callerFacingError(await failure(provider()), mask);

      expect(err.status).toBe(502);
      expect(err.message).not.toContain('k-test');
      expect(upstream.seen).toHaveLength(1);
    });

    it('refuses an answer larger than the response limit', async () => {
      upstream.script = [completion('y'.repeat(10_000))];

      const err = await failure(provider({ maxResponseBytes: 1_000 }));

      expect(err).toMatchObject({ status: 502, message: "The upstream's answer exceeds 1000 bytes." });
    });
  });

  describe('caller abort', () => {
    it('stops the upstream request when the caller goes away while the upstream is silent, and does not retry', async () => {
      upstream.script = [silent];
      const caller = new AbortController();
      const pending = failure(provider({ retries: 3, timeoutMs: 20_000, deadlineMs: 20_000 }), caller.signal);
      await waitFor(() => upstream.seen.length === 1);

      caller.abort();
      const err = await pending;
      await upstream.seen[0]!.closed;

      expect(err.message).toBe('The request was cancelled by the caller.');
      expect(upstream.seen).toHaveLength(1);
    });

    it('stops the upstream stream when the caller goes away mid-stream', async () => {
      upstream.script = [stream([{ choices: [{ delta: { content: 'one' } }] }, { choices: [{ delta: { content: 'two' } }] }], 1)];
      const caller = new AbortController();
      const result = await provider().call({ path: '/chat/completions', body: { ...chat, stream: true }, stream: true, signal: caller.signal });
      if (result.kind !== 'stream') throw new Error('expected a stream');
      const events: string[] = [];

      const reading = (async () => {
        for await (const event of result.events) {
          events.push(event);
          caller.abort();
        }
      })();
      const err = await reading.then(() => undefined, (e: unknown) => e as AirlockError);
      await upstream.seen[0]!.closed;

      expect(events).toHaveLength(1);
      expect(err).toMatchObject({ message: 'The request was cancelled by the caller.' });
    });
  });

  describe('streaming and connections', () => {
    it('relays stream events in order', async () => {
      const chunks = ['a', 'b', 'c'].map((content) => ({ choices: [{ delta: { content } }] }));
      upstream.script = [stream(chunks)];

      const result = await provider().call({ path: '/chat/completions', body: { ...chat, stream: true }, stream: true });
      if (result.kind !== 'stream') throw new Error('expected a stream');
      const events: string[] = [];
      for await (const event of result.events) events.push(event);

      expect(events).toEqual([...chunks.map((c) => JSON.stringify(c)), '[DONE]']);
    });

    it('fails a stream that goes silent after its first event with a timeout that names the idle limit', async () => {
      upstream.script = [stream([{ choices: [{ delta: { content: 'one' } }] }, {}], 1)];

      const result = await provider({ timeoutMs: 400 }).call({ path: '/chat/completions', body: { ...chat, stream: true }, stream: true });
      if (result.kind !== 'stream') throw new Error('expected a stream');
      const err = await (async () => {
        for await (const _ of result.events) void _;
      })().then(() => undefined, (e: unknown) => e as AirlockError);

      expect(err).toMatchObject({ status: 504, message: 'The upstream stream was silent for more than 400 ms.' });
    });

    it('reuses one kept-alive connection for consecutive calls', async () => {
      upstream.script = [completion('ok')];
      const p = provider();

      for (let i = 0; i < 5; i++) await p.call({ path: '/chat/completions', body: chat, stream: false });

      expect(upstream.seen).toHaveLength(5);
      expect(upstream.connections()).toBe(1);
    });

    it('sends again on a fresh connection when the upstream dropped a kept-alive one, even with no retries', async () => {
      const served = new WeakSet<object>();
      const ok = completion('fresh');
      // Like a server closing an idle connection just as it is reused: the second request on a socket gets no answer.
      const dropsReusedConnections: Behaviour = (req, res) => {
        if (served.has(req.socket)) return void req.socket.destroy();
        served.add(req.socket);
        ok(req, res);
      };
      upstream.script = [dropsReusedConnections];
      const p = provider({ retries: 0 });
      await p.call({ path: '/chat/completions', body: chat, stream: false });

      const second = await p.call({ path: '/chat/completions', body: chat, stream: false });

      expect(second).toMatchObject({ kind: 'json', body: { choices: [{ message: { content: 'fresh' } }] } });
      expect(upstream.connections()).toBe(2);
    });
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 5));
}
