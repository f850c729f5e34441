import { converseStreamTranslator } from '../../../lambdas/providers/converse-stream';
import { fromConverse, toConverse } from '../../../lambdas/providers/converse-translate';

describe('chat bodies to Converse', () => {
  it('carries an OpenAI tool round trip: tools, the assistant tool call, the tool result', () => {
    const converse = toConverse('openai', {
      model: 'm',
      max_completion_tokens: 100,
      stop: 'END',
      tool_choice: 'required',
      tools: [{ type: 'function', function: { name: 'lookup', description: 'find a row', parameters: { type: 'object', properties: { id: { type: 'string' } } } } }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'find ' }, { type: 'text', text: 'row 7' }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"id":"7"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'row 7 is blue' },
        { role: 'user', content: 'thanks' },
      ],
    });

    expect(converse).toEqual({
      messages: [
        { role: 'user', content: [{ text: 'find row 7' }] },
        { role: 'assistant', content: [{ toolUse: { toolUseId: 'call_1', name: 'lookup', input: { id: '7' } } }] },
        // A tool result and the next user turn are one user turn in Converse.
        { role: 'user', content: [{ toolResult: { toolUseId: 'call_1', content: [{ text: 'row 7 is blue' }], status: 'success' } }, { text: 'thanks' }] },
      ],
      inferenceConfig: { maxTokens: 100, stopSequences: ['END'] },
      toolConfig: { tools: [{ toolSpec: { name: 'lookup', description: 'find a row', inputSchema: { json: { type: 'object', properties: { id: { type: 'string' } } } } } }], toolChoice: { any: {} } },
    });
  });

  it('carries an Anthropic tool round trip and a system prompt in blocks', () => {
    const converse = toConverse('anthropic', {
      model: 'm',
      max_tokens: 50,
      system: [{ type: 'text', text: 'You are terse.' }],
      tools: [{ name: 'lookup', input_schema: { type: 'object' } }],
      tool_choice: { type: 'tool', name: 'lookup' },
      messages: [
        { role: 'user', content: 'find row 7' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'tu_1', name: 'lookup', input: { id: '7' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'tu_1', content: [{ type: 'text', text: 'blue' }], is_error: true }] },
      ],
    });

    expect(converse).toEqual({
      system: [{ text: 'You are terse.' }],
      messages: [
        { role: 'user', content: [{ text: 'find row 7' }] },
        { role: 'assistant', content: [{ toolUse: { toolUseId: 'tu_1', name: 'lookup', input: { id: '7' } } }] },
        { role: 'user', content: [{ toolResult: { toolUseId: 'tu_1', content: [{ text: 'blue' }], status: 'error' } }] },
      ],
      inferenceConfig: { maxTokens: 50 },
      toolConfig: { tools: [{ toolSpec: { name: 'lookup', inputSchema: { json: { type: 'object' } } } }], toolChoice: { tool: { name: 'lookup' } } },
    });
  });

  it('refuses tool call arguments that are not JSON, naming where', () => {
    expect(() => toConverse('openai', { messages: [{ role: 'assistant', tool_calls: [{ id: 'c', function: { name: 'f', arguments: '{oops' } }] }] })).toThrow(
      expect.objectContaining({ code: 'invalid_request', param: 'messages[0].tool_calls[0].function.arguments' }),
    );
  });
});

describe('images to Converse', () => {
  const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0xff]).toString('base64');
  const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));

  it('carries OpenAI data: URL images as image blocks with their bytes, between the text parts in order', () => {
    const converse = toConverse('openai', {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'compare ' },
            { type: 'text', text: 'these' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}`, detail: 'high' } },
            { type: 'image_url', image_url: { url: `data:image/jpeg;name=photo.jpg;base64,${PNG}` } },
            { type: 'text', text: 'thanks' },
          ],
        },
      ],
    });

    expect(converse.messages).toEqual([
      {
        role: 'user',
        content: [
          { text: 'compare these' },
          { image: { format: 'png', source: { bytes: bytes(PNG) } } },
          { image: { format: 'jpeg', source: { bytes: bytes(PNG) } } },
          { text: 'thanks' },
        ],
      },
    ]);
  });

  it('carries Anthropic base64 image blocks, in a user turn and inside a tool result', () => {
    const image = (media_type: string) => ({ type: 'image', source: { type: 'base64', media_type, data: PNG } });
    const converse = toConverse('anthropic', {
      messages: [
        { role: 'user', content: [image('image/webp'), { type: 'text', text: 'what is this?' }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'tu_1', name: 'screenshot', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'tu_1', content: [image('image/gif'), { type: 'text', text: 'the screen' }] }] },
      ],
    });

    expect(converse.messages[0]!.content).toEqual([{ image: { format: 'webp', source: { bytes: bytes(PNG) } } }, { text: 'what is this?' }]);
    expect(converse.messages[2]!.content).toEqual([
      { toolResult: { toolUseId: 'tu_1', content: [{ image: { format: 'gif', source: { bytes: bytes(PNG) } } }, { text: 'the screen' }], status: 'success' } },
    ]);
  });

  it.each([
    ['an OpenAI image by https URL', 'openai', { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://images.example/cat.png' } }] }, 'messages[0].content[0].image_url.url', /does not fetch images from URLs/],
    ['an OpenAI image by http URL to an internal address', 'openai', { role: 'user', content: [{ type: 'text', text: 'see' }, { type: 'image_url', image_url: { url: 'http://169.254.169.254/latest/meta-data' } }] }, 'messages[0].content[1].image_url.url', /does not fetch images from URLs/],
    ['an Anthropic image by URL', 'anthropic', { role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://images.example/cat.png' } }] }, 'messages[0].content[0].source', /does not fetch images from URLs/],
    ['an Anthropic image by file id', 'anthropic', { role: 'user', content: [{ type: 'image', source: { type: 'file', file_id: 'file_1' } }] }, 'messages[0].content[0].source', /source type 'file'/],
    ['a media type Converse does not read', 'openai', { role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/svg+xml;base64,${PNG}` } }] }, 'messages[0].content[0].image_url.url', /'image\/svg\+xml' cannot be sent.*image\/png, image\/jpeg, image\/gif or image\/webp/],
    ['a data: URL that is not base64', 'openai', { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png,%89PNG' } }] }, 'messages[0].content[0].image_url.url', /must be base64-encoded/],
    ['image data that is not base64', 'anthropic', { role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'not base64!' } }] }, 'messages[0].content[0].source', /not valid base64/],
    ['an image in a system message', 'openai', { role: 'system', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }] }, 'messages[0].content[0]', /images go in user messages/],
  ])('refuses %s with invalid_request naming where', (_, format, message, param, reason) => {
    const refused = (() => {
      try {
        toConverse(format as 'openai' | 'anthropic', { messages: [message] });
      } catch (err) {
        return err as { code: string; param: string; message: string };
      }
      throw new Error('expected a refusal');
    })();

    expect(refused).toMatchObject({ code: 'invalid_request', param });
    expect(refused.message).toMatch(reason);
  });
});

describe('Converse answers to chat answers', () => {
  const toolAnswer = {
    output: { message: { role: 'assistant', content: [{ text: 'Looking it up.' }, { toolUse: { toolUseId: 'tu_9', name: 'lookup', input: { id: '7' } } }] } },
    stopReason: 'tool_use',
    usage: { inputTokens: 11, outputTokens: 5, totalTokens: 16 },
  };

  it('gives an OpenAI caller tool_calls with JSON arguments and finish_reason tool_calls', () => {
    expect(fromConverse('openai', 'm', toolAnswer, 'id1', 1700000000)).toEqual({
      id: 'chatcmpl-id1',
      object: 'chat.completion',
      created: 1700000000,
      model: 'm',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Looking it up.', tool_calls: [{ id: 'tu_9', type: 'function', function: { name: 'lookup', arguments: '{"id":"7"}' } }], refusal: null },
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 11, completion_tokens: 5, total_tokens: 16 },
    });
  });

  it('gives an Anthropic caller text and tool_use blocks with stop_reason tool_use', () => {
    expect(fromConverse('anthropic', 'm', toolAnswer, 'id1', 0)).toMatchObject({
      type: 'message',
      content: [{ type: 'text', text: 'Looking it up.' }, { type: 'tool_use', id: 'tu_9', name: 'lookup', input: { id: '7' } }],
      stop_reason: 'tool_use',
      usage: { input_tokens: 11, output_tokens: 5 },
    });
  });
});

describe('ConverseStream events to chat stream events', () => {
  const toolStream = [
    { messageStart: { role: 'assistant' } },
    { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'Let me check.' } } },
    { contentBlockStop: { contentBlockIndex: 0 } },
    { contentBlockStart: { contentBlockIndex: 1, start: { toolUse: { toolUseId: 'tu_1', name: 'lookup' } } } },
    { contentBlockDelta: { contentBlockIndex: 1, delta: { toolUse: { input: '{"id":' } } } },
    { contentBlockDelta: { contentBlockIndex: 1, delta: { toolUse: { input: '"7"}' } } } },
    { contentBlockStop: { contentBlockIndex: 1 } },
    { messageStop: { stopReason: 'tool_use' } },
    { metadata: { usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 } } },
  ];

  it('streams tool calls to an OpenAI caller numbered from 0, arguments in pieces', () => {
    const t = converseStreamTranslator('openai', 'm', 'x', 1);
    const out = [...toolStream.flatMap((e) => t.push(e)), ...t.end()];
    const deltas = out.map((c: any) => c.choices[0]?.delta);

    expect(deltas[1]).toEqual({ content: 'Let me check.' });
    expect(deltas[2]).toEqual({ tool_calls: [{ index: 0, id: 'tu_1', type: 'function', function: { name: 'lookup', arguments: '' } }] });
    expect(deltas.slice(3, 5).map((d: any) => d.tool_calls[0].function.arguments).join('')).toBe('{"id":"7"}');
    expect((out[5] as any).choices[0].finish_reason).toBe('tool_calls');
    expect(out[6]).toMatchObject({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } });
  });

  it('streams an Anthropic caller a start for the text block Converse never opened, and the tool block it did', () => {
    const t = converseStreamTranslator('anthropic', 'm', 'x', 1);
    const out = [...toolStream.flatMap((e) => t.push(e)), ...t.end()] as any[];

    expect(out.map((e) => e.type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(out[4].content_block).toEqual({ type: 'tool_use', id: 'tu_1', name: 'lookup', input: {} });
    expect(out[5].delta).toEqual({ type: 'input_json_delta', partial_json: '{"id":' });
    expect(out[8]).toEqual({ type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { input_tokens: 3, output_tokens: 4 } });
  });

  it('closes an Anthropic stream whose upstream sent no usage', () => {
    const t = converseStreamTranslator('anthropic', 'm', 'x', 1);
    t.push({ messageStart: { role: 'assistant' } });
    t.push({ messageStop: { stopReason: 'max_tokens' } });

    expect(t.end()).toEqual([{ type: 'message_delta', delta: { stop_reason: 'max_tokens', stop_sequence: null }, usage: { output_tokens: 0 } }, { type: 'message_stop' }]);
  });
});
