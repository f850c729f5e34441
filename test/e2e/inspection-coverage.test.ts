import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startEchoUpstream, type EchoUpstream } from '../../local/echo-upstream';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process';

// Built at run time so the repository itself holds no key-shaped string.
const CANARY = ['AKIA', 'Z7Q3CANARY', 'C0V3RG'].join('');
/** The gateway's own upstream keys: shaped so that no detector knows them, only the exact match does. */
const UPSTREAM_KEY = ['upk', 'Vaulted', 'Q7x9', 'openai'].join('_');
const ANTHROPIC_KEY = ['upk', 'Vaulted', 'R2m4', 'anthropic'].join('_');
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

type Body = Record<string, unknown>;

describe('no field goes uninspected (official clients through airlock serve)', () => {
  let upstream: EchoUpstream;
  let gateway: GatewayProcess;
  let openai: OpenAI;
  let anthropic: Anthropic;

  beforeAll(async () => {
    upstream = await startEchoUpstream({ models: ['echo'] });
    gateway = await startGatewayProcess({
      AIRLOCK_UPSTREAM_URL: upstream.url,
      AIRLOCK_UPSTREAM_API_KEY: UPSTREAM_KEY,
      AIRLOCK_ANTHROPIC_URL: upstream.url,
      AIRLOCK_ANTHROPIC_API_KEY: ANTHROPIC_KEY,
    });
    const token = await gateway.token('carol', ['llm-users']);
    openai = new OpenAI({ baseURL: gateway.apiBaseUrl, apiKey: token, maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: gateway.apiBaseUrl.replace(/\/v1$/, ''), authToken: token, apiKey: null, maxRetries: 0 });
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await upstream?.close();
  });

  beforeEach(() => {
    delete upstream.script;
  });

  const expectNowhere = async (secret: string) => {
    expect(upstream.requests.join('\n')).not.toContain(secret);
    expect(await gateway.everythingStored()).not.toContain(secret);
  };

  describe('requests (openai)', () => {
    const fields: Array<[string, Body]> = [
      ['legacy functions[].description', { functions: [{ name: 'f', description: `uses ${CANARY}`, parameters: { type: 'object' } }] }],
      ['prediction.content', { prediction: { type: 'content', content: `key = "${CANARY}"` } }],
      ['user', { user: CANARY }],
      ['metadata', { metadata: { ticket: CANARY } }],
      ['an unknown top-level field', { instructions: `use ${CANARY}` }],
      ['response_format.json_schema', { response_format: { type: 'json_schema', json_schema: { name: 's', schema: { type: 'object', description: CANARY } } } }],
      ['custom tools', { tools: [{ type: 'custom', custom: { name: 't', description: `key ${CANARY}` } }] }],
      ['a message name', { messages: [{ role: 'user', name: CANARY, content: 'hi' }] }],
      ['image_url.url with credentials', { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `https://img.example/a.png?key=${CANARY}` } }] }] }],
      ['file parts with a text data URL', { messages: [{ role: 'user', content: [{ type: 'file', file: { filename: 'a.env', file_data: `data:text/plain;base64,${b64(`AWS_ACCESS_KEY_ID=${CANARY}`)}` } }] }] }],
    ];

    it.each(fields)('masks a secret in %s before it reaches the upstream or the records', async (_name, extra) => {
      const body = { model: 'echo', messages: [{ role: 'user', content: 'hello' }], ...extra } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming;

      await openai.chat.completions.create(body);

      await expectNowhere(CANARY);
    });

    it('refuses a model id with a secret after a dash', async () => {
      await expect(openai.chat.completions.create({ model: `echo-${CANARY}`, messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 400 });

      await expectNowhere(CANARY);
    });
  });

  describe('answers (openai)', () => {
    it.each<[string, Body]>([
      ['message.reasoning_content', { choices: [{ index: 0, message: { role: 'assistant', content: 'ok', reasoning_content: `I saw ${CANARY}` }, finish_reason: 'stop' }] }],
      ['audio.transcript', { choices: [{ index: 0, message: { role: 'assistant', content: null, audio: { id: 'a1', data: '', expires_at: 0, transcript: CANARY } }, finish_reason: 'stop' }] }],
      ['logprobs tokens', { choices: [{ index: 0, message: { role: 'assistant', content: 'x' }, logprobs: { content: [{ token: CANARY, logprob: 0, bytes: [], top_logprobs: [] }] }, finish_reason: 'stop' }] }],
      ['an error object in a 200 body', { choices: [], error: { message: `bad key ${CANARY}`, type: 'server_error' } }],
      ["the gateway's own upstream key", { choices: [{ index: 0, message: { role: 'assistant', content: `your key is ${UPSTREAM_KEY}` }, finish_reason: 'stop' }] }],
    ])('masks %s', async (_name, answer) => {
      upstream.script = { json: { id: 'chatcmpl-x', object: 'chat.completion', created: 0, model: 'echo', ...answer } };

      const completion = await openai.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'hi' }] });

      expect(JSON.stringify(completion)).not.toContain(CANARY);
      expect(JSON.stringify(completion)).not.toContain(UPSTREAM_KEY);
      expect(await gateway.everythingStored()).not.toContain(UPSTREAM_KEY);
    });

    it('masks streamed reasoning, content parts, an error event and a split upstream key', async () => {
      const base = { id: 'chatcmpl-s', object: 'chat.completion.chunk', created: 0, model: 'echo' };
      const chunk = (delta: Body, finish: string | null = null) => ({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
      upstream.script = {
        events: [
          chunk({ role: 'assistant', reasoning_content: `found ${CANARY.slice(0, 9)}` }),
          chunk({ reasoning_content: `${CANARY.slice(9)} in the logs` }),
          chunk({ content: `key ${UPSTREAM_KEY.slice(0, 8)}` }),
          chunk({ content: `${UPSTREAM_KEY.slice(8)} ok` }),
          chunk({}, 'stop'),
        ],
      };

      const stream = await openai.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'hi' }], stream: true });
      const received: unknown[] = [];
      for await (const event of stream) received.push(event);

      const text = JSON.stringify(received);
      expect(text).not.toContain(CANARY.slice(4));
      expect(text).not.toContain(UPSTREAM_KEY.slice(3));
      expect(text).toContain('[REDACTED:gateway_credential]');
      await expectNowhere(CANARY);
    });
  });

  describe('requests (anthropic)', () => {
    it.each<[string, Anthropic.MessageParam[], Body?]>([
      ['a document block (text source)', [{ role: 'user', content: [{ type: 'document', source: { type: 'text', media_type: 'text/plain', data: `k ${CANARY}` } }] }]],
      ['a document block (content source)', [{ role: 'user', content: [{ type: 'document', source: { type: 'content', content: [{ type: 'text', text: CANARY }] } }] }]],
      ['a document block (base64 text)', [{ role: 'user', content: [{ type: 'document', source: { type: 'base64', media_type: 'text/plain', data: b64(`key ${CANARY}`) } } as never] }]],
      ['a search_result block', [{ role: 'user', content: [{ type: 'search_result', source: 'https://s.example', title: 't', content: [{ type: 'text', text: CANARY }] } as never] }]],
      [
        'a thinking block in the history',
        [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: [{ type: 'thinking', thinking: `found ${CANARY}`, signature: 'c2lnbmF0dXJl' }, { type: 'text', text: 'a' }] },
          { role: 'user', content: 'next' },
        ],
      ],
      ['metadata.user_id', [{ role: 'user', content: 'hi' }], { metadata: { user_id: CANARY } }],
    ])('masks a secret in %s', async (_name, messages, extra = {}) => {
      await anthropic.messages.create({ model: 'echo', max_tokens: 16, messages, ...extra });

      await expectNowhere(CANARY);
    });

    it('sends DROP DATABASE inside a document block to review', async () => {
      const messages: Anthropic.MessageParam[] = [{ role: 'user', content: [{ type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'DROP DATABASE prod;' } }] }];

      await expect(anthropic.messages.create({ model: 'echo', max_tokens: 16, messages })).rejects.toMatchObject({ status: 403 });
    });
  });

  describe('answers (anthropic)', () => {
    it('masks thinking blocks and citations in a non-streamed answer', async () => {
      upstream.script = {
        json: {
          id: 'msg_1', type: 'message', role: 'assistant', model: 'echo', stop_reason: 'end_turn', stop_sequence: null,
          usage: { input_tokens: 1, output_tokens: 1 },
          content: [
            { type: 'thinking', thinking: `saw ${CANARY}`, signature: 'c2ln' },
            { type: 'text', text: 'x', citations: [{ type: 'char_location', cited_text: CANARY, document_index: 0, document_title: null, start_char_index: 0, end_char_index: 1 }] },
          ],
        },
      };

      const message = await anthropic.messages.create({ model: 'echo', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });

      expect(JSON.stringify(message)).not.toContain(CANARY);
    });

    it('masks content_block_start text, citations_delta and a split upstream key in a stream', async () => {
      upstream.script = {
        events: [
          { type: 'message_start', message: { id: 'msg_s', type: 'message', role: 'assistant', model: 'echo', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } } },
          { type: 'content_block_start', index: 0, content_block: { type: 'text', text: `start ${CANARY}` } },
          { type: 'content_block_delta', index: 0, delta: { type: 'citations_delta', citation: { type: 'char_location', cited_text: CANARY, document_index: 0, document_title: null, start_char_index: 0, end_char_index: 1 } } },
          { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: `key ${ANTHROPIC_KEY.slice(0, 6)}` } },
          { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: `${ANTHROPIC_KEY.slice(6)} end` } },
          { type: 'content_block_stop', index: 0 },
          { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 2 } },
          { type: 'message_stop' },
        ],
      };

      const stream = anthropic.messages.stream({ model: 'echo', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });
      const received: unknown[] = [];
      for await (const event of stream) received.push(event);

      const text = JSON.stringify(received);
      expect(text).not.toContain(CANARY.slice(4));
      expect(text).not.toContain(ANTHROPIC_KEY.slice(3));
      expect(text).toContain('[REDACTED:gateway_credential]');
    });

    it('masks an error event in a stream', async () => {
      upstream.script = {
        events: [
          { type: 'message_start', message: { id: 'msg_e', type: 'message', role: 'assistant', model: 'echo', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } } },
          { type: 'error', error: { type: 'overloaded_error', message: `failed with ${CANARY}` } },
        ],
      };

      const stream = anthropic.messages.stream({ model: 'echo', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });
      const failure = await (async () => {
        try {
          for await (const _event of stream) void _event;
          return undefined;
        } catch (err) {
          return err as Error;
        }
      })();

      expect(failure).toBeDefined();
      expect(String(failure?.message)).not.toContain(CANARY);
      await expectNowhere(CANARY);
    });
  });
});
