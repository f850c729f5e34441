import OpenAI from 'openai';
import { startEchoUpstream, type EchoUpstream } from '../../local/echo-upstream';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process';

// Built at run time so the repository itself holds no key-shaped string.
const CANARY_AWS_KEY = ['AKIA', 'Z7Q3CANARY', 'X2V9WQ'].join('');
const UPSTREAM_KEY = ['sk-upstream', 'vaulted', 'canary'].join('-');

describe('chat completions through the local runtime (official openai client)', () => {
  let upstream: EchoUpstream;
  let gateway: GatewayProcess;
  let client: OpenAI;

  beforeAll(async () => {
    upstream = await startEchoUpstream({ models: ['echo', 'echo-large'] });
    gateway = await startGatewayProcess({
      AIRLOCK_UPSTREAM_URL: upstream.url,
      AIRLOCK_UPSTREAM_API_KEY: UPSTREAM_KEY,
      AIRLOCK_UPSTREAM_TIMEOUT_MS: '1500',
      AIRLOCK_UPSTREAM_RETRIES: '1',
      AIRLOCK_MAX_BODY_BYTES: '65536',
    });
    client = new OpenAI({ baseURL: gateway.apiBaseUrl, apiKey: await gateway.token('alice', ['llm-users']), maxRetries: 0 });
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await upstream?.close();
  });

  beforeEach(() => {
    upstream.fault = 'none';
    upstream.reply = (body) => `Echo: ${String(body.messages?.at(-1)?.content ?? '')}`;
    upstream.chunking = {};
  });

  it('answers a plain completion and tags it with the session headers', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'echo', messages: [{ role: 'user', content: 'Hello Airlock' }] })
      .withResponse();

    expect(data.choices[0]?.message.content).toBe('Echo: Hello Airlock');
    expect(response.headers.get('x-airlock-session-id')).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(response.headers.get('x-airlock-decision')).toBe('allow');
    expect(Number(response.headers.get('x-airlock-overhead-ms'))).toBeGreaterThanOrEqual(0);
  });

  it('streams a completion chunk by chunk', async () => {
    upstream.chunking = { chunkChars: 3 };
    const prompt = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
    const stream = await client.chat.completions.create({
      model: 'echo',
      messages: [{ role: 'user', content: prompt }],
      stream: true,
      stream_options: { include_usage: true },
    });

    const parts: string[] = [];
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      const piece = chunk.choices[0]?.delta.content;
      if (piece) parts.push(piece);
      if (chunk.usage) usage = chunk.usage;
    }

    expect(parts.join('')).toBe(`Echo: ${prompt}`);
    // The masker holds back only a bounded tail, so the answer arrives in many pieces, not at the end.
    expect(parts.length).toBeGreaterThan(20);
    expect(usage?.total_tokens).toBeGreaterThan(0);
  });

  it('records every call: an item that points at its transcript, with the transcript hash', async () => {
    const { response } = await client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'record me' }] }).withResponse();
    const id = response.headers.get('x-airlock-session-id')!;

    const item = await gateway.settledSession(id);

    expect(item).toMatchObject({ id, status: 'completed', decision: 'allow', model: 'echo', route: 'POST /v1/chat/completions', principalSub: 'alice' });
    expect(item?.transcriptKey).toMatch(new RegExp(`^transcripts/\\d{4}/\\d{2}/\\d{2}/[0-9a-f]{2}/${id}\\.json$`));
    expect(item?.transcriptSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(item?.expiresAt).toEqual(expect.any(Number));
  });

  it('sends the vaulted upstream key to the upstream and never to the caller', async () => {
    const { response } = await client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'hi' }] }).withResponse();

    expect(upstream.authorizations.at(-1)).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(JSON.stringify([...response.headers])).not.toContain(UPSTREAM_KEY);
  });

  describe('a planted AWS access key', () => {
    it('is masked before the upstream and absent from answer, records and logs (plain)', async () => {
      const prompt = `deploy with key ${CANARY_AWS_KEY} to prod`;

      const answer = await client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: prompt }] });

      expect(upstream.requests.at(-1)).toContain('[REDACTED:aws_access_key_id]');
      expect(upstream.requests.join('\n')).not.toContain(CANARY_AWS_KEY);
      expect(answer.choices[0]?.message.content).toBe('Echo: deploy with key [REDACTED:aws_access_key_id] to prod');
      await expectNowhere(CANARY_AWS_KEY);
    });

    it('is masked when the upstream streams it back split across chunks', async () => {
      upstream.reply = () => `here is a key: ${CANARY_AWS_KEY} keep it safe`;
      upstream.chunking = { chunkChars: 4 };

      const { data: stream, response } = await client.chat.completions
        .create({ model: 'echo', messages: [{ role: 'user', content: 'give me a key' }], stream: true })
        .withResponse();
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';

      expect(text).toBe('here is a key: [REDACTED:aws_access_key_id] keep it safe');
      const item = await gateway.settledSession(response.headers.get('x-airlock-session-id')!);
      expect(item?.findingCounts).toEqual({ 'response.aws_access_key_id': 1 });
      await expectNowhere(CANARY_AWS_KEY);
    });

    it('is refused, not echoed, when it is sent as the model id', async () => {
      const res = await post(JSON.stringify({ model: CANARY_AWS_KEY, messages: [{ role: 'user', content: 'x' }] }));

      expect(res.status).toBe(400);
      expect((await res.json()).error).toMatchObject({ code: 'invalid_request', param: 'model' });
      await expectNowhere(CANARY_AWS_KEY);
    });

    it('is masked in a plain answer from the upstream', async () => {
      upstream.reply = () => `the key is ${CANARY_AWS_KEY}`;

      const { data: answer, response } = await client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'key?' }] }).withResponse();

      expect(answer.choices[0]?.message.content).toBe('the key is [REDACTED:aws_access_key_id]');
      const item = await gateway.settledSession(response.headers.get('x-airlock-session-id')!);
      expect(item?.findingCounts).toEqual({ 'response.aws_access_key_id': 1 });
      await expectNowhere(CANARY_AWS_KEY);
    });
  });

  describe('bad input gets a precise OpenAI-style error', () => {
    it('refuses a call without a token (401 invalid_token)', async () => {
      const res = await fetch(`${gateway.apiBaseUrl}/chat/completions`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(401);
      expect((await res.json()).error).toMatchObject({ code: 'invalid_token', type: 'authentication_error' });
    });

    it('refuses a garbage token (401)', async () => {
      const bad = new OpenAI({ baseURL: gateway.apiBaseUrl, apiKey: 'not-a-jwt', maxRetries: 0 });
      await expect(bad.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 401, code: 'invalid_token' });
    });

    it('logs a refused token as a security event with its reason class, never the token', async () => {
      const forged = ['eyJhbGciOiJSUzI1NiJ9', Buffer.from(JSON.stringify({ iss: 'https://forger.example', sub: 'mallory' })).toString('base64url'), 'c2lnbmF0dXJlQ0FOQVJZ'].join('.');
      const bad = new OpenAI({ baseURL: gateway.apiBaseUrl, apiKey: forged, maxRetries: 0 });

      await expect(bad.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 401 });

      const events = gateway.output().split('\n').filter((line) => line.includes('"security event"') && line.includes('forger.example'));
      expect(events).toHaveLength(1);
      expect(JSON.parse(events[0]!)).toMatchObject({ securityEvent: 'token_refused', code: 'invalid_token', issuer: 'https://forger.example', route: '/v1/chat/completions' });
      expect(gateway.output()).not.toContain('c2lnbmF0dXJlQ0FOQVJZ');
    });

    it('refuses a valid token without the llm-users group (403 forbidden)', async () => {
      const outsider = new OpenAI({ baseURL: gateway.apiBaseUrl, apiKey: await gateway.token('mallory', ['contractors']), maxRetries: 0 });
      await expect(outsider.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    });

    it('answers malformed JSON with 400 invalid_json', async () => {
      const res = await post('{"model": "echo", "messages": [');
      expect(res.status).toBe(400);
      const body = await res.json();
      expect(body.error).toMatchObject({ code: 'invalid_json', type: 'invalid_request_error' });
      expect(res.headers.get('x-airlock-session-id')).toBeTruthy();
    });

    it('names the missing field (400, param messages)', async () => {
      const res = await post(JSON.stringify({ model: 'echo' }));
      expect(res.status).toBe(400);
      expect((await res.json()).error).toMatchObject({ code: 'invalid_request', param: 'messages' });
    });

    it('names a field of the wrong type (400, param messages[0].content)', async () => {
      const res = await post(JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 42 }] }));
      expect(res.status).toBe(400);
      expect((await res.json()).error).toMatchObject({ code: 'invalid_request', param: 'messages[0].content' });
    });

    it('refuses a body over the configured size (413 payload_too_large)', async () => {
      const res = await post(JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'x'.repeat(70_000) }] }));
      expect(res.status).toBe(413);
      expect((await res.json()).error.code).toBe('payload_too_large');
    });

    it('answers an unknown model with 404 model_not_found, naming the models this caller may use', async () => {
      await expect(client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
        status: 404,
        code: 'model_not_found',
        message: expect.stringMatching(/Models you may use: echo, echo-large\.$/),
      });
    });

    it('maps an upstream 5xx, after bounded retries, to 502 upstream_error', async () => {
      upstream.fault = 'status500';
      const before = upstream.requests.length;
      await expect(client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 502, code: 'upstream_error' });
      expect(upstream.requests.length - before).toBe(2);
    });

    it('maps a silent upstream to 504 upstream_timeout instead of hanging', async () => {
      upstream.fault = 'hang';
      await expect(client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 504, code: 'upstream_timeout' });
    }, 15_000);

    it('never passes on an upstream error that quotes the gateway credential', async () => {
      upstream.fault = 'status401';
      const res = await post(JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'x' }] }));
      const text = await res.text();
      expect(res.status).toBe(502);
      expect(text).not.toContain('sk-upstream-secret');
      expect(text).toContain('upstream_error');
    });

    it('ends a stream whose upstream goes silent mid-way with an error event, not a hang', async () => {
      upstream.fault = 'hang-mid-stream';
      const stream = await client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'a b c d' }], stream: true });
      await expect(
        (async () => {
          for await (const _ of stream) void _;
        })(),
      ).rejects.toThrow(/stream was silent for more than \d+ ms/);
    }, 15_000);
  });

  it('writes no stack trace and no secret to its logs', async () => {
    expect(gateway.output()).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
    expect(gateway.output()).not.toContain(UPSTREAM_KEY);
  });

  async function post(body: string): Promise<Response> {
    return fetch(`${gateway.apiBaseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${client.apiKey}`, 'content-type': 'application/json' },
      body,
    });
  }

  async function expectNowhere(secret: string): Promise<void> {
    const stored = await gateway.everythingStored();
    expect(stored.length).toBeGreaterThan(0);
    expect(stored).not.toContain(secret);
    expect(gateway.output()).not.toContain(secret);
  }
});
