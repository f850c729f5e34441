import { parsePolicy } from '../../../lambdas/inspect';
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

describe('policy limits', () => {
  const base = 'version: 1\naccess: { groups: [llm-users] }\n';

  it('reads requests per minute and tokens per day per principal and per group', () => {
    const policy = parsePolicy(`${base}limits:\n  principal: { requests_per_minute: 60 }\n  groups:\n    ci: { tokens_per_day: 100000, requests_per_minute: 600 }\n`);

    expect(policy.limits).toEqual({ principal: { requests_per_minute: 60 }, groups: { ci: { tokens_per_day: 100000, requests_per_minute: 600 } } });
  });

  it.each([
    ['limits:\n  principal: { requests_per_minute: 0 }\n', 'limits.principal.requests_per_minute: too small'],
    ['limits:\n  groups:\n    ci: {}\n', 'limits.groups.ci: expected requests_per_minute, tokens_per_day or both'],
    ['limits:\n  groups:\n    ci: { tokens_per_hour: 5 }\n', "limits.groups.ci: unknown key 'tokens_per_hour'"],
  ])('refuses %j naming the path and the reason', (yaml, message) => {
    expect(() => parsePolicy(base + yaml)).toThrow(message);
  });
});
