import { chatKindOf } from '../../../lambdas/inspect/json/chat-kinds';
import { fake, inspector } from './fixtures';

const at = { item_id: 'msg_1', output_index: 0, content_index: 0 };
const delta = (text: string, extra: Record<string, unknown> = {}) => ({ type: 'response.output_text.delta', ...at, delta: text, ...extra });
const textOf = (events: unknown[]) =>
  events
    .filter((e): e is { type: string; delta: string } => (e as { type?: string }).type === 'response.output_text.delta')
    .map((e) => e.delta)
    .join('');

describe('Responses API stream masker', () => {
  it('masks a key split across many deltas and sends the held text just before the done event', () => {
    const key = fake.awsKeyId();
    const answer = `${'plain words '.repeat(20)}then ${key} and after it ${'more words '.repeat(20)}`;
    const masker = inspector().jsonStreamMasker('openai-responses');

    const out: unknown[] = [];
    for (const piece of answer.match(/[\s\S]{1,3}/g)!) out.push(...masker.push(delta(piece, { sequence_number: out.length })));
    const done = masker.push({ type: 'response.output_text.done', ...at, text: answer });

    const text = textOf([...out, ...done]);
    expect(text).toBe(answer.replace(key, '[REDACTED:aws_access_key_id]'));
    expect(JSON.stringify([...out, ...done])).not.toContain(key);
    expect((done.at(-1) as { type: string; text: string })).toEqual({ type: 'response.output_text.done', ...at, text });
    expect(textOf(out).length).toBeGreaterThan(answer.length / 2);
    expect(masker.findings.map((f) => f.type)).toContain('aws_access_key_id');
  });

  it('keeps each output item and part in its own channel', () => {
    const key = fake.githubPat();
    const masker = inspector().jsonStreamMasker('openai-responses');
    const other = { item_id: 'fc_1', output_index: 1 };

    const out = [
      ...masker.push(delta(key.slice(0, 10))),
      ...masker.push({ type: 'response.function_call_arguments.delta', ...other, delta: '{"q":"' }),
      ...masker.push(delta(key.slice(10))),
      ...masker.push({ type: 'response.function_call_arguments.delta', ...other, delta: 'hello"}' }),
      ...masker.push({ type: 'response.output_item.done', output_index: 1, item: { id: 'fc_1', type: 'function_call', arguments: '{"q":"hello"}' } }),
      ...masker.push({ type: 'response.completed', response: { id: 'resp_1', status: 'completed', output: [] } }),
    ];

    const args = out.filter((e) => (e as { type: string }).type === 'response.function_call_arguments.delta').map((e) => (e as { delta: string }).delta).join('');
    expect(args).toBe('{"q":"hello"}');
    expect(textOf(out)).toBe('[REDACTED:github_token]');
    // The arguments were flushed at their item's done event, the text at the response's end.
    expect(out.findIndex((e) => (e as { type: string }).type === 'response.output_item.done')).toBeGreaterThan(out.findLastIndex((e) => (e as { type: string }).type === 'response.function_call_arguments.delta'));
    expect((out.at(-1) as { type: string }).type).toBe('response.completed');
  });

  it('masks snapshots (the response and item objects) whole', () => {
    const key = fake.awsKeyId();
    const masker = inspector().jsonStreamMasker('openai-responses');

    const [event] = masker.push({ type: 'response.output_item.done', output_index: 0, item: { type: 'message', content: [{ type: 'output_text', text: `key ${key}` }] } });

    expect(JSON.stringify(event)).toContain('[REDACTED:aws_access_key_id]');
    expect(JSON.stringify(event)).not.toContain(key);
  });
});

describe('Responses API input items', () => {
  it('weighs each input item by its role or as the tool call or tool output it is', () => {
    const body = {
      model: 'gpt-4o',
      instructions: 'be brief',
      input: [
        { role: 'developer', content: 'rules' },
        { role: 'user', content: [{ type: 'input_text', text: 'question' }] },
        { type: 'function_call', call_id: 'c1', name: 'lookup', arguments: '{"q":"x"}' },
        { type: 'function_call_output', call_id: 'c1', output: 'result' },
        { role: 'assistant', content: [{ type: 'output_text', text: 'answer' }] },
      ],
    };
    const kindOf = chatKindOf(body, 'openai');

    expect([kindOf(['instructions']), kindOf(['input', 0, 'content']), kindOf(['input', 1, 'content', 0, 'text'])]).toEqual(['system', 'system', 'user']);
    expect([kindOf(['input', 2, 'arguments']), kindOf(['input', 3, 'output']), kindOf(['input', 4, 'content', 0, 'text'])]).toEqual(['tool_call', 'tool_result', 'assistant']);
    expect(chatKindOf({ input: 'plain text' }, 'openai')(['input'])).toBe('user');
    expect(chatKindOf({ input: ['one', 'two'] }, 'openai')(['input', 1])).toBe('user');
  });
});
