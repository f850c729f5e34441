import { BedrockConverseProvider } from '../../../lambdas/providers/bedrock';
import type { UpstreamResult } from '../../../lambdas/providers/types';
import { AirlockError } from '../../../lambdas/shared/errors';
import { startBedrockStandIn, type BedrockStandIn } from '../../support/bedrock-stand-in';

/**
 * The Bedrock provider with the real @aws-sdk/client-bedrock-runtime, pointed at the local Converse
 * stand-in (HTTP/2, AWS event-stream framing) with dummy credentials from the environment.
 */
describe('Bedrock Converse provider against the Converse stand-in', () => {
  let bedrock: BedrockStandIn;
  let provider: BedrockConverseProvider;
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };

  beforeAll(async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIDSTANDIN';
    process.env.AWS_SECRET_ACCESS_KEY = 'stand-in-secret';
    bedrock = await startBedrockStandIn();
    provider = new BedrockConverseProvider({ name: 'bedrock', region: 'us-east-1', endpoint: bedrock.url, models: ['anthropic.claude-*', 'amazon.nova-lite-v1:0'], timeoutMs: 5_000, deadlineMs: 10_000, retries: 0 });
  });

  afterAll(async () => {
    await bedrock?.close();
    process.env.AWS_ACCESS_KEY_ID = saved.id;
    process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
  });

  beforeEach(() => {
    bedrock.fault = 'none';
    bedrock.reply = (body) => `Echo: ${String(body.messages.at(-1).content[0].text)}`;
  });

  const collect = async (result: UpstreamResult): Promise<any[]> => {
    if (result.kind !== 'stream') throw new Error('expected a stream');
    const out: any[] = [];
    for await (const data of result.events) out.push(JSON.parse(data));
    return out;
  };

  it('sends an OpenAI chat as a signed Converse call and answers a chat completion', async () => {
    const result = await provider.call({
      path: '/chat/completions',
      format: 'openai',
      stream: false,
      body: { model: 'anthropic.claude-3-haiku', max_tokens: 32, temperature: 0.2, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello Bedrock' }] },
    });

    const sent = bedrock.requests.at(-1)!;
    expect(sent.modelId).toBe('anthropic.claude-3-haiku');
    expect(sent.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDSTANDIN\/\d{8}\/us-east-1\/bedrock\/aws4_request/);
    expect(sent.body).toMatchObject({ system: [{ text: 'Be brief.' }], messages: [{ role: 'user', content: [{ text: 'Hello Bedrock' }] }], inferenceConfig: { maxTokens: 32, temperature: 0.2 } });
    expect(result).toMatchObject({ kind: 'json', body: { object: 'chat.completion', model: 'anthropic.claude-3-haiku', choices: [{ message: { role: 'assistant', content: 'Echo: Hello Bedrock' }, finish_reason: 'stop' }] } });
  });

  it('answers an Anthropic message in the Messages shape', async () => {
    const result = await provider.call({ path: '/messages', format: 'anthropic', stream: false, body: { model: 'anthropic.claude-3-haiku', max_tokens: 32, system: 'Be brief.', messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi Claude' }] }] } });

    expect(result).toMatchObject({ kind: 'json', body: { type: 'message', role: 'assistant', content: [{ type: 'text', text: 'Echo: Hi Claude' }], stop_reason: 'end_turn' } });
    expect((result as { body: any }).body.usage.output_tokens).toBe('Echo: Hi Claude'.length);
  });

  it('decodes a ConverseStream event stream into OpenAI chunks', async () => {
    const events = await collect(await provider.call({ path: '/chat/completions', format: 'openai', stream: true, body: { model: 'anthropic.claude-3-haiku', stream: true, messages: [{ role: 'user', content: 'stream me please' }] } }));

    const text = events.map((e) => e.choices?.[0]?.delta?.content ?? '').join('');
    expect(text).toBe('Echo: stream me please');
    expect(events.filter((e) => e.choices?.[0]?.delta?.content).length).toBeGreaterThan(3);
    expect(events.find((e) => e.choices?.[0]?.finish_reason)?.choices[0].finish_reason).toBe('stop');
    expect(events.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: text.length } });
  });

  it('decodes a ConverseStream into Anthropic events, each text block opened and closed', async () => {
    const events = await collect(await provider.call({ path: '/messages', format: 'anthropic', stream: true, body: { model: 'anthropic.claude-3-haiku', max_tokens: 16, stream: true, messages: [{ role: 'user', content: 'hey' }] } }));

    expect(events.map((e) => e.type)).toEqual(['message_start', 'content_block_start', ...Array(Math.ceil('Echo: hey'.length / 4)).fill('content_block_delta'), 'content_block_stop', 'message_delta', 'message_stop']);
    expect(events.filter((e) => e.type === 'content_block_delta').map((e) => e.delta.text).join('')).toBe('Echo: hey');
    expect(events.at(-2)).toMatchObject({ delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 'Echo: hey'.length } });
  });

  it('reports a 5xx as upstream_error and an unknown model as model_not_found', async () => {
    bedrock.fault = 'status500';
    await expect(provider.call({ path: '/chat/completions', format: 'openai', stream: false, body: { model: 'anthropic.claude-3-haiku', messages: [{ role: 'user', content: 'x' }] } })).rejects.toMatchObject({ code: 'upstream_error', status: 502 });
    bedrock.fault = 'none';
    await expect(provider.call({ path: '/chat/completions', format: 'openai', stream: true, body: { model: 'anthropic.missing-model', messages: [{ role: 'user', content: 'x' }] } })).rejects.toMatchObject({ code: 'model_not_found' });
  });

  it('keeps Bedrock validation messages as data for the gateway to mask, not in its own message', async () => {
    const err = await provider.call({ path: '/chat/completions', format: 'openai', stream: false, body: { model: 'anthropic.claude-3-haiku', messages: [] } }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(AirlockError);
    expect(err).toMatchObject({ code: 'upstream_rejected', status: 400, upstream: { message: 'messages is required' } });
    expect((err as AirlockError).message).not.toContain('messages is required');
  });

  it('refuses content Converse cannot carry, naming where it is', async () => {
    const before = bedrock.requests.length;
    const byUrl = provider.call({ path: '/chat/completions', format: 'openai', stream: false, body: { model: 'anthropic.claude-3-haiku', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x.test/a.png' } }] }] } });
    const audio = provider.call({ path: '/chat/completions', format: 'openai', stream: false, body: { model: 'anthropic.claude-3-haiku', messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }] }] } });

    await expect(byUrl).rejects.toMatchObject({ code: 'invalid_request', param: 'messages[0].content[0].image_url.url' });
    await expect(audio).rejects.toMatchObject({ code: 'invalid_request', param: 'messages[0].content[0]' });
    expect(bedrock.requests.length).toBe(before);
  });

  it('sends an inline image as its bytes, whole and streamed, which the SDK puts on the wire as base64', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]).toString('base64');
    bedrock.reply = (body) => `saw ${String(body.messages[0].content[0].image.format)}`;

    const plain = await provider.call({ path: '/messages', format: 'anthropic', stream: false, body: { model: 'anthropic.claude-3-haiku', max_tokens: 8, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } }, { type: 'text', text: 'what is it?' }] }] } });
    const sentPlain = bedrock.requests.at(-1)!;
    const streamed = await collect(await provider.call({ path: '/chat/completions', format: 'openai', stream: true, body: { model: 'anthropic.claude-3-haiku', stream: true, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } }] }] } }));

    expect(sentPlain.body.messages[0].content).toEqual([{ image: { format: 'png', source: { bytes: png } } }, { text: 'what is it?' }]);
    expect(bedrock.requests.at(-1)!.body.messages[0].content).toEqual([{ image: { format: 'png', source: { bytes: png } } }]);
    expect(plain).toMatchObject({ kind: 'json', body: { content: [{ type: 'text', text: 'saw png' }] } });
    expect(streamed.map((e) => e.choices?.[0]?.delta?.content ?? '').join('')).toBe('saw png');
  });

  it('fails a stream that Bedrock breaks off with an exception message, after what it delivered', async () => {
    bedrock.fault = 'stream-exception';
    const result = await provider.call({ path: '/chat/completions', format: 'openai', stream: true, body: { model: 'anthropic.claude-3-haiku', stream: true, messages: [{ role: 'user', content: 'break' }] } });
    const got: any[] = [];

    const err = await (async () => {
      if (result.kind !== 'stream') throw new Error('expected a stream');
      for await (const data of result.events) got.push(JSON.parse(data));
    })().catch((e: unknown) => e);

    expect(got.map((e) => e.choices[0]?.delta?.content ?? '').join('')).toBe('Echo');
    expect(err).toMatchObject({ code: 'upstream_error', status: 502 });
  });

  it('gives up on a silent Bedrock at the timeout with upstream_timeout', async () => {
    bedrock.fault = 'hang';
    const quick = new BedrockConverseProvider({ name: 'bedrock', region: 'us-east-1', endpoint: bedrock.url, models: [], timeoutMs: 300, deadlineMs: 10_000, retries: 0 });

    await expect(quick.call({ path: '/messages', format: 'anthropic', stream: true, body: { model: 'anthropic.claude-3-haiku', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] } })).rejects.toMatchObject({ code: 'upstream_timeout', status: 504 });
  });

  it('stops at the deadline the call gives it, sooner than its own', async () => {
    bedrock.fault = 'hang';
    const patient = new BedrockConverseProvider({ name: 'bedrock', region: 'us-east-1', endpoint: bedrock.url, models: [], timeoutMs: 60_000, deadlineMs: 60_000, retries: 0 });

    const err = await patient.call({ path: '/chat/completions', format: 'openai', stream: false, deadlineAt: performance.now() + 300, body: { model: 'anthropic.claude-3-haiku', messages: [{ role: 'user', content: 'x' }] } }).catch((e: unknown) => e);

    expect(err).toMatchObject({ code: 'upstream_timeout' });
  });

  it('lists the configured model ids that are not globs', async () => {
    await expect(provider.listModels()).resolves.toEqual(['amazon.nova-lite-v1:0']);
  });
});
