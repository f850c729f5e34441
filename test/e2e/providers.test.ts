import Anthropic from '@anthropic-ai/sdk';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { startEchoUpstream, type EchoUpstream } from '../../local/echo-upstream';
import { startBedrockStandIn, type BedrockStandIn } from '../support/bedrock-stand-in';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process';

const CANARY_AWS_KEY = ['AKIA', 'Q4W8PROVID', 'R7N2QX'].join('');
const REDACTED = '[REDACTED:aws_access_key_id]';
const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';

/**
 * Several upstreams behind the local runtime (`airlock serve` with AIRLOCK_UPSTREAMS): an
 * OpenAI-compatible echo, an Anthropic echo, a flaky upstream that falls back, and Bedrock (the real
 * Bedrock runtime SDK against the Converse stand-in), called with the official OpenAI and Anthropic
 * clients.
 */
describe('upstreams by model through the local runtime (official openai and @anthropic-ai/sdk clients)', () => {
  let openaiUpstream: EchoUpstream;
  let anthropicUpstream: EchoUpstream;
  let flaky: EchoUpstream;
  let bedrock: BedrockStandIn;
  let gateway: GatewayProcess;
  let openai: OpenAI;
  let anthropic: Anthropic;
  let dir: string;

  beforeAll(async () => {
    openaiUpstream = await startEchoUpstream({ models: ['gpt-4o', 'o1-mini'] });
    anthropicUpstream = await startEchoUpstream({ models: ['claude-sonnet-4'] });
    flaky = await startEchoUpstream({ models: ['o1-mini'] });
    flaky.fault = 'status500';
    bedrock = await startBedrockStandIn();
    dir = await mkdtemp(join(tmpdir(), 'airlock-providers-'));
    const policy = join(dir, 'policy.yaml');
    await writeFile(policy, 'version: 1\naccess:\n  groups: [llm-users]\ndefaults:\n  models:\n    allow: ["gpt-*", "o1-*", "claude-*", "anthropic.claude-*"]\n');
    const upstreams = [
      { name: 'flaky', kind: 'openai', url: flaky.url, models: ['o1-*'], fallback: 'openai' },
      { name: 'openai', kind: 'openai', url: openaiUpstream.url, models: ['gpt-*', 'o1-*'], secret: 'E2E_OPENAI_KEY' },
      { name: 'anthropic', kind: 'anthropic', url: anthropicUpstream.url, models: ['claude-*'], secret: 'E2E_ANTHROPIC_KEY' },
      { name: 'bedrock', kind: 'bedrock', region: 'us-east-1', url: bedrock.url, models: ['anthropic.claude-*', HAIKU, 'amazon.nova-pro-v1:0'] },
    ];
    gateway = await startGatewayProcess({
      AIRLOCK_POLICY: policy,
      AIRLOCK_UPSTREAMS: JSON.stringify(upstreams),
      AIRLOCK_UPSTREAM_RETRIES: '0',
      E2E_OPENAI_KEY: 'sk-e2e-openai-vaulted',
      E2E_ANTHROPIC_KEY: 'sk-ant-e2e-vaulted',
      // The Bedrock client signs with the default credential chain; the stand-in only checks a signature is there.
      AWS_ACCESS_KEY_ID: 'AKIDSTANDIN',
      AWS_SECRET_ACCESS_KEY: 'stand-in-secret',
    });
    const token = await gateway.token('bob', ['llm-users']);
    openai = new OpenAI({ baseURL: gateway.apiBaseUrl, apiKey: token, maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: gateway.apiBaseUrl.replace(/\/v1$/, ''), authToken: token, apiKey: null, maxRetries: 0 });
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([openaiUpstream?.close(), anthropicUpstream?.close(), flaky?.close(), bedrock?.close()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    bedrock.reply = (body) => `Echo: ${String(body.messages.at(-1).content[0].text)}`;
    openaiUpstream.reply = (body) => `Echo: ${String(body.messages?.at(-1)?.content ?? '')}`;
  });

  it('sends gpt-* to the OpenAI upstream with its key, and records which upstream answered', async () => {
    const before = bedrock.requests.length;
    const { data, response } = await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hello OpenAI' }] }).withResponse();

    expect(data.choices[0]?.message.content).toBe('Echo: Hello OpenAI');
    expect(openaiUpstream.authorizations.at(-1)).toBe('Bearer sk-e2e-openai-vaulted');
    expect(bedrock.requests.length).toBe(before);
    expect(await gateway.settledSession(response.headers.get('x-airlock-session-id')!)).toMatchObject({ model: 'gpt-4o', upstream: { name: 'openai' } });
  });

  it('sends claude-* on the Messages route to the Anthropic upstream with its key', async () => {
    const message = await anthropic.messages.create({ model: 'claude-sonnet-4', max_tokens: 32, messages: [{ role: 'user', content: 'Hello Anthropic' }] });

    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Echo: Hello Anthropic' });
    expect(anthropicUpstream.apiKeys.at(-1)).toBe('sk-ant-e2e-vaulted');
  });

  it('reaches Bedrock from the OpenAI route, masking a planted key both ways, plain and streamed', async () => {
    bedrock.reply = () => `the key is ${CANARY_AWS_KEY}, keep it`;
    bedrock.chunkChars = 3;

    const { data, response } = await openai.chat.completions.create({ model: HAIKU, messages: [{ role: 'user', content: `remember ${CANARY_AWS_KEY}` }] }).withResponse();
    const sentPlain = bedrock.requests.at(-1)!;
    let streamed = '';
    for await (const chunk of await openai.chat.completions.create({ model: HAIKU, stream: true, messages: [{ role: 'user', content: `again ${CANARY_AWS_KEY}` }] })) {
      streamed += chunk.choices[0]?.delta?.content ?? '';
    }
    const sentStreamed = bedrock.requests.at(-1)!;

    expect(sentPlain.modelId).toBe(HAIKU);
    expect(sentPlain.path).toContain('/converse');
    expect(sentStreamed.path).toContain('/converse-stream');
    expect(JSON.stringify([sentPlain.body, sentStreamed.body])).not.toContain(CANARY_AWS_KEY);
    expect(sentPlain.body.messages[0].content[0].text).toBe(`remember ${REDACTED}`);
    expect(data.choices[0]?.message.content).toBe(`the key is ${REDACTED}, keep it`);
    expect(streamed).toBe(`the key is ${REDACTED}, keep it`);
    expect(await gateway.settledSession(response.headers.get('x-airlock-session-id')!)).toMatchObject({ route: 'POST /v1/chat/completions', upstream: { name: 'bedrock' } });
  });

  it('reaches Bedrock from the Anthropic route, masking a planted key both ways, plain and streamed', async () => {
    // Long enough that the stream masker, which holds back only what could still become a secret, sends several deltas.
    const preamble = 'plain words '.repeat(60);
    bedrock.reply = () => `${preamble}here: ${CANARY_AWS_KEY} done`;
    bedrock.chunkChars = 7;

    const plain = await anthropic.messages.create({ model: HAIKU, max_tokens: 64, messages: [{ role: 'user', content: `keep ${CANARY_AWS_KEY}` }] });
    const sentPlain = bedrock.requests.at(-1)!;
    const stream = anthropic.messages.stream({ model: HAIKU, max_tokens: 64, messages: [{ role: 'user', content: `and ${CANARY_AWS_KEY}` }] });
    let deltas = 0;
    stream.on('text', () => deltas++);
    const final = await stream.finalMessage();

    expect(sentPlain.body.messages[0].content[0].text).toBe(`keep ${REDACTED}`);
    expect(JSON.stringify(bedrock.requests.at(-1)!.body)).not.toContain(CANARY_AWS_KEY);
    expect(plain.content[0]).toMatchObject({ type: 'text', text: `${preamble}here: ${REDACTED} done` });
    expect(final.content[0]).toMatchObject({ type: 'text', text: `${preamble}here: ${REDACTED} done` });
    expect(final.stop_reason).toBe('end_turn');
    expect(deltas).toBeGreaterThan(2);
    const stored = await gateway.everythingStored();
    expect(stored).not.toContain(CANARY_AWS_KEY);
    expect(gateway.output()).not.toContain(CANARY_AWS_KEY);
  });

  describe('images for Bedrock', () => {
    // A PNG whose base64 holds the key's shape: read as text it would be a finding; as an image it is bytes.
    const IMAGE = `${Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]).toString('base64')}+${CANARY_AWS_KEY}+AA`;
    const imageBlock = { image: { format: 'png', source: { bytes: IMAGE } } };

    beforeEach(() => {
      bedrock.reply = (body) => `saw ${body.messages[0].content.filter((b: { image?: unknown }) => b.image).length} image(s)`;
    });

    it('sends an OpenAI data: URL image to Bedrock as its bytes, masks the text beside it, and finds nothing in the image', async () => {
      const { data, response } = await openai.chat.completions
        .create({
          model: HAIKU,
          messages: [{ role: 'user', content: [{ type: 'text', text: `describe it; my key is ${CANARY_AWS_KEY}` }, { type: 'image_url', image_url: { url: `data:image/png;base64,${IMAGE}` } }] }],
        })
        .withResponse();

      expect(bedrock.requests.at(-1)!.body.messages[0].content).toEqual([{ text: `describe it; my key is ${REDACTED}` }, imageBlock]);
      expect(data.choices[0]?.message.content).toBe('saw 1 image(s)');
      // One key, the text part's: the image's base64 was not read as text.
      expect((await gateway.settledSession(response.headers.get('x-airlock-session-id')!))?.findingCounts).toEqual({ aws_access_key_id: 1, binary_attachment: 1 });
    });

    it('sends an Anthropic base64 image block to Bedrock as its bytes, streamed too', async () => {
      const content = [{ type: 'image' as const, source: { type: 'base64' as const, media_type: 'image/png' as const, data: IMAGE } }, { type: 'text' as const, text: 'what is this?' }];

      const plain = await anthropic.messages.create({ model: HAIKU, max_tokens: 16, messages: [{ role: 'user', content }] });
      const sentPlain = bedrock.requests.at(-1)!;
      const streamed = await anthropic.messages.stream({ model: HAIKU, max_tokens: 16, messages: [{ role: 'user', content }] }).finalMessage();

      expect(sentPlain.body.messages[0].content).toEqual([imageBlock, { text: 'what is this?' }]);
      expect(bedrock.requests.at(-1)!.body.messages[0].content).toEqual([imageBlock, { text: 'what is this?' }]);
      expect(plain.content[0]).toMatchObject({ type: 'text', text: 'saw 1 image(s)' });
      expect(streamed.content[0]).toMatchObject({ type: 'text', text: 'saw 1 image(s)' });
    });

    it('refuses an image by URL with invalid_request_error saying why, and fetches nothing', async () => {
      const before = bedrock.requests.length;

      const err = await openai.chat.completions
        .create({ model: HAIKU, messages: [{ role: 'user', content: [{ type: 'text', text: 'what is this?' }, { type: 'image_url', image_url: { url: 'http://169.254.169.254/latest/meta-data/iam' } }] }] })
        .catch((e: unknown) => e as InstanceType<typeof OpenAI.APIError>);
      const viaAnthropic = await anthropic.messages
        .create({ model: HAIKU, max_tokens: 8, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://images.example/cat.png' } }] }] })
        .catch((e: unknown) => e as InstanceType<typeof Anthropic.APIError>);

      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      expect(err).toMatchObject({ status: 400, type: 'invalid_request_error', code: 'invalid_request', param: 'messages[0].content[1].image_url.url' });
      expect((err as Error).message).toMatch(/does not fetch images from URLs .*data: URL with base64/);
      expect(viaAnthropic).toBeInstanceOf(Anthropic.BadRequestError);
      expect((viaAnthropic as Error).message).toMatch(/does not fetch images from URLs/);
      expect(bedrock.requests.length).toBe(before);
    });
  });

  it('refuses a model the policy forbids on both routes, even one an upstream serves', async () => {
    const before = bedrock.requests.length;

    await expect(openai.chat.completions.create({ model: 'amazon.nova-pro-v1:0', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 403, code: 'model_not_allowed' });
    await expect(anthropic.messages.create({ model: 'amazon.nova-pro-v1:0', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 403 });
    expect(bedrock.requests.length).toBe(before);
  });

  it('answers a model no upstream serves with the models the caller may use', async () => {
    const err = await openai.chat.completions.create({ model: 'gpt-5-unknown', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);

    expect(err).toMatchObject({ status: 404, code: 'model_not_found' });
    expect((err as Error).message).toMatch(/Models you may use: .*gpt-4o/);
  });

  it('falls back from an upstream answering 500 to the configured one, and records it', async () => {
    const flakyBefore = flaky.requests.length;
    const { data, response } = await openai.chat.completions.create({ model: 'o1-mini', messages: [{ role: 'user', content: 'fall back please' }] }).withResponse();

    expect(data.choices[0]?.message.content).toBe('Echo: fall back please');
    expect(flaky.requests.length).toBe(flakyBefore + 1);
    expect(await gateway.settledSession(response.headers.get('x-airlock-session-id')!)).toMatchObject({ status: 'completed', upstream: { name: 'openai', fallbackFrom: 'flaky' } });
  });

  it('lists every upstream model the caller may use, in each SDK shape', async () => {
    const viaOpenAI = [];
    for await (const m of openai.models.list()) viaOpenAI.push(m.id);
    const viaAnthropic = [];
    for await (const m of anthropic.models.list()) viaAnthropic.push(m.id);

    // amazon.nova-pro is served but forbidden by the policy; globs are not model ids and are not listed.
    expect(viaOpenAI.sort()).toEqual([HAIKU, 'gpt-4o', 'o1-mini']);
    expect(viaAnthropic.sort()).toEqual([HAIKU, 'claude-sonnet-4']);
  });
});
