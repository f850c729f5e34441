import { startEchoUpstream, type EchoUpstream } from '../../../local/echo-upstream';
import { OpenAICompatibleProvider } from '../../../lambdas/providers/openai-compatible';
import { AirlockError } from '../../../lambdas/shared/errors';

describe('OpenAI-compatible provider against a real HTTP upstream', () => {
  let upstream: EchoUpstream;
  const provider = (overrides: Partial<ConstructorParameters<typeof OpenAICompatibleProvider>[0]> = {}) =>
    new OpenAICompatibleProvider({ baseUrl: upstream.url, apiKey: async () => 'k-123', timeoutMs: 500, retries: 2, backoffMs: 10, ...overrides });
  const chat = { model: 'echo', messages: [{ role: 'user', content: 'ping' }] };

  beforeAll(async () => {
    upstream = await startEchoUpstream();
  });
  afterAll(() => upstream.close());
  beforeEach(() => {
    upstream.fault = 'none';
  });

  it('returns a JSON answer and sends the key as a bearer token', async () => {
    const result = await provider().call({ path: '/chat/completions', body: chat, stream: false });
    expect(result.kind).toBe('json');
    expect((result as { body: { choices: Array<{ message: { content: string } }> } }).body.choices[0]?.message.content).toBe('Echo: ping');
    expect(upstream.authorizations.at(-1)).toBe('Bearer k-123');
  });

  it('returns stream events as they come', async () => {
    const result = await provider().call({ path: '/chat/completions', body: { ...chat, stream: true }, stream: true });
    if (result.kind !== 'stream') throw new Error('expected a stream');
    const events: string[] = [];
    for await (const e of result.events) events.push(e);
    expect(events.at(-1)).toBe('[DONE]');
    expect(events.length).toBeGreaterThan(3);
  });

  it('retries a 5xx a bounded number of times, then fails with upstream_error', async () => {
    upstream.fault = 'status500';
    const before = upstream.requests.length;
    await expect(provider().call({ path: '/chat/completions', body: chat, stream: false })).rejects.toMatchObject({ status: 502, code: 'upstream_error' });
    expect(upstream.requests.length - before).toBe(3);
  });

  it('times out a silent upstream instead of hanging', async () => {
    upstream.fault = 'hang';
    const started = performance.now();
    const err = await provider({ retries: 0 }).call({ path: '/chat/completions', body: chat, stream: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AirlockError);
    expect(err).toMatchObject({ status: 504 });
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('reports a refused connection as upstream_error', async () => {
    const closed = new OpenAICompatibleProvider({ baseUrl: 'http://127.0.0.1:9/v1', apiKey: async () => undefined, timeoutMs: 500, retries: 1, backoffMs: 10 });
    await expect(closed.call({ path: '/chat/completions', body: chat, stream: false })).rejects.toMatchObject({ status: 502, code: 'upstream_error' });
  });

  it('does not pass on an upstream error body that quotes the credential', async () => {
    upstream.fault = 'status401';
    const err = (await provider().call({ path: '/chat/completions', body: chat, stream: false }).catch((e: unknown) => e)) as AirlockError;
    expect(err.status).toBe(502);
    expect(JSON.stringify(err.toJSON())).not.toContain('sk-upstream-secret');
  });

  it('maps an unknown model to 404 model_not_found', async () => {
    await expect(provider().call({ path: '/chat/completions', body: { ...chat, model: 'nope' }, stream: false })).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
    });
  });

  it('fails a stream that goes silent mid-way with a timeout', async () => {
    upstream.fault = 'hang-mid-stream';
    const result = await provider().call({ path: '/chat/completions', body: { ...chat, messages: [{ role: 'user', content: 'a b c' }], stream: true }, stream: true });
    if (result.kind !== 'stream') throw new Error('expected a stream');
    await expect(
      (async () => {
        for await (const _ of result.events) void _;
      })(),
    ).rejects.toMatchObject({ status: 504 });
  });

  it('lists the upstream models', async () => {
    expect(await provider().listModels()).toEqual(['echo']);
  });
});
