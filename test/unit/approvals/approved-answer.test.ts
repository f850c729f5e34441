import { completionAsChunks, messageAsEvents } from '../../../lambdas/gateway/approvals/approved-answer';

describe('approved answer as a stream', () => {
  it('turns a chat completion into chunks whose deltas rebuild the message, then its finish and usage', () => {
    const completion = {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1,
      model: 'gpt',
      choices: [{ index: 0, message: { role: 'assistant', content: 'the answer' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    };

    const chunks = completionAsChunks(completion) as Array<{ object: string; choices: Array<{ delta: { content?: string }; finish_reason: string | null }>; usage?: unknown }>;

    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.flatMap((c) => c.choices.map((ch) => ch.delta.content ?? '')).join('')).toBe('the answer');
    expect(chunks.flatMap((c) => c.choices.map((ch) => ch.finish_reason)).filter(Boolean)).toEqual(['stop']);
    expect(chunks.at(-1)?.usage).toEqual(completion.usage);
  });

  it('indexes tool calls in the delta as the streaming API does', () => {
    const call = { id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } };
    const [first] = completionAsChunks({ choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [call] }, finish_reason: 'tool_calls' }] }) as Array<{
      choices: Array<{ delta: { tool_calls: unknown[] } }>;
    }>;

    expect(first!.choices[0]!.delta.tool_calls).toEqual([{ index: 0, ...call }]);
  });

  it('turns an Anthropic message into its event sequence', () => {
    const events = messageAsEvents({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude',
      content: [{ type: 'text', text: 'hello' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 3, output_tokens: 1 },
    }) as Array<{ type: string; delta?: { text?: string } }>;

    expect(events.map((e) => e.type)).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    expect(events.map((e) => e.delta?.text ?? '').join('')).toBe('hello');
  });
});
