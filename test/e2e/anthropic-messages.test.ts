import Anthropic from '@anthropic-ai/sdk';
import { startEchoUpstream, type EchoUpstream } from '../../local/echo-upstream';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process';

const CANARY_AWS_KEY = ['AKIA', 'Q4W8CANARY', 'M3N7PL'].join('');

describe('Anthropic Messages through the local runtime (official @anthropic-ai/sdk client)', () => {
  let upstream: EchoUpstream;
  let gateway: GatewayProcess;
  let client: Anthropic;

  beforeAll(async () => {
    upstream = await startEchoUpstream({ models: ['echo'] });
    gateway = await startGatewayProcess({ AIRLOCK_UPSTREAM_URL: upstream.url, AIRLOCK_ANTHROPIC_URL: upstream.url, AIRLOCK_ANTHROPIC_API_KEY: 'anthropic-vaulted' });
    client = new Anthropic({ baseURL: gateway.apiBaseUrl.replace(/\/v1$/, ''), authToken: await gateway.token('bob', ['llm-users']), apiKey: null, maxRetries: 0 });
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await upstream?.close();
  });

  beforeEach(() => {
    upstream.reply = (body) => `Echo: ${String(body.messages?.at(-1)?.content ?? '')}`;
    upstream.chunking = {};
  });

  it('answers a message and sends the vaulted key as x-api-key upstream', async () => {
    const message = await client.messages.create({ model: 'echo', max_tokens: 64, messages: [{ role: 'user', content: 'Hello Claude' }] });

    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Echo: Hello Claude' });
    expect(upstream.requests.at(-1)).toContain('"max_tokens":64');
    expect(upstream.apiKeys.at(-1)).toBe('anthropic-vaulted');
    expect(upstream.authorizations.at(-1)).toBe('');
  });

  it('streams a message with text deltas', async () => {
    const prompt = Array.from({ length: 40 }, (_, i) => `token${i}`).join(' ');
    const stream = client.messages.stream({ model: 'echo', max_tokens: 64, messages: [{ role: 'user', content: prompt }] });
    let deltas = 0;
    stream.on('text', () => deltas++);

    const final = await stream.finalMessage();

    expect(final.content[0]).toMatchObject({ type: 'text', text: `Echo: ${prompt}` });
    expect(deltas).toBeGreaterThan(10);
  });

  it('masks a planted key in the prompt and in a streamed answer split across chunks', async () => {
    upstream.reply = () => `your key ${CANARY_AWS_KEY} is here`;
    upstream.chunking = { chunkChars: 5 };

    const final = await client.messages
      .stream({ model: 'echo', max_tokens: 64, messages: [{ role: 'user', content: `store ${CANARY_AWS_KEY} please` }] })
      .finalMessage();

    expect(upstream.requests.at(-1)).toContain('[REDACTED:aws_access_key_id]');
    expect(upstream.requests.join('\n')).not.toContain(CANARY_AWS_KEY);
    expect(final.content[0]).toMatchObject({ text: 'your key [REDACTED:aws_access_key_id] is here' });
    const stored = await gateway.everythingStored();
    expect(stored).toContain('POST /v1/messages');
    expect(stored).not.toContain(CANARY_AWS_KEY);
    expect(gateway.output()).not.toContain(CANARY_AWS_KEY);
  });

  it('refuses a request without max_tokens naming the field', async () => {
    await expect(
      client.messages.create({ model: 'echo', messages: [{ role: 'user', content: 'x' }] } as unknown as Anthropic.MessageCreateParamsNonStreaming),
    ).rejects.toMatchObject({ status: 400 });
  });
});
