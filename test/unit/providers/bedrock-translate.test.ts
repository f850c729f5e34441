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
