import { fake, inspector } from './fixtures';

const ins = inspector();

describe('maskChatResponse', () => {
  it('masks OpenAI message content and tool-call arguments', () => {
    const key = fake.stripeLive();
    const body = {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          finish_reason: 'tool_calls',
          message: { role: 'assistant', content: `use ${key}`, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'pay', arguments: `{"key":"${key}"}` } }] },
        },
      ],
    };

    const { body: masked, findings } = ins.maskChatResponse(body, 'openai');

    expect(JSON.stringify(masked)).not.toContain(key);
    expect((masked as typeof body).choices[0]!.message.tool_calls[0]!.function.arguments).toBe('{"key":"[REDACTED:stripe_key]"}');
    expect(findings.map((f) => f.path)).toEqual(['choices.0.message.content', 'choices.0.message.tool_calls.0.function.arguments']);
  });

  it('masks Anthropic text and tool_use blocks', () => {
    const body = { id: 'msg_1', type: 'message', content: [{ type: 'text', text: 'mail ops@acme.io' }, { type: 'tool_use', id: 't', name: 'x', input: { to: 'ops@acme.io' } }] };

    const { body: masked } = ins.maskChatResponse(body, 'anthropic');

    expect(masked).toEqual({ ...body, content: [{ type: 'text', text: 'mail [REDACTED:email]' }, { type: 'tool_use', id: 't', name: 'x', input: { to: '[REDACTED:email]' } }] });
  });
});

describe('chatStreamMasker for OpenAI chunks', () => {
  const chunk = (delta: object, finish: string | null = null, index = 0) => ({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index, delta, finish_reason: finish }] });
  const text = (events: unknown[]) =>
    events
      .flatMap((e) => (e as { choices: Array<{ delta: { content?: string } }> }).choices)
      .map((c) => c.delta.content ?? '')
      .join('');

  it('masks a key split across content deltas and flushes held text before the finish chunk', () => {
    const key = fake.awsKeyId();
    const m = ins.chatStreamMasker('openai');

    const out = [chunk({ role: 'assistant', content: '' }), chunk({ content: `key ${key.slice(0, 7)}` }), chunk({ content: `${key.slice(7)} done` }), chunk({}, 'stop')].flatMap((e) => m.push(e));
    out.push(...m.end());

    expect(text(out)).toBe('key [REDACTED:aws_access_key_id] done');
    const finish = out.findIndex((e) => (e as { choices: Array<{ finish_reason: unknown }> }).choices[0]!.finish_reason === 'stop');
    expect(finish).toBe(out.length - 1);
    expect(text(out.slice(0, finish))).toBe('key [REDACTED:aws_access_key_id] done');
  });

  it('masks tool-call arguments per tool index and keeps ids and names', () => {
    const m = ins.chatStreamMasker('openai');
    const events = [
      chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'mail', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"to":"jane.d' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: 'oe@acme.io"}' } }] }),
      chunk({}, 'tool_calls'),
    ];

    const out = events.flatMap((e) => m.push(e)).concat(m.end());

    const calls = out.flatMap((e) => (e as { choices: Array<{ delta: { tool_calls?: Array<{ id?: string; function: { arguments: string } }> } }> }).choices[0]!.delta.tool_calls ?? []);
    expect(calls.map((c) => c.function.arguments).join('')).toBe('{"to":"[REDACTED:email]"}');
    expect(calls[0]!.id).toBe('call_a');
    expect(m.findings.map((f) => f.type)).toEqual(['email']);
  });

  it('keeps masking a choice that sends content after its finish chunk', () => {
    const m = ins.chatStreamMasker('openai');

    const out = [chunk({ content: 'a' }, 'stop'), chunk({ content: 'mail jane.doe@acme.io' })].flatMap((e) => m.push(e)).concat(m.end());

    expect(text(out)).toBe('amail [REDACTED:email]');
    expect(m.findings.map((f) => f.type)).toEqual(['email']);
  });

  it('keeps choices apart', () => {
    const m = ins.chatStreamMasker('openai');

    const out = [chunk({ content: 'mail ja' }, null, 0), chunk({ content: 'plain' }, null, 1), chunk({ content: 'ne@acme.io' }, null, 0)].flatMap((e) => m.push(e)).concat(m.end());

    const byChoice = new Map<number, string>();
    for (const e of out) for (const c of (e as { choices: Array<{ index: number; delta: { content?: string } }> }).choices) byChoice.set(c.index, (byChoice.get(c.index) ?? '') + (c.delta.content ?? ''));
    expect(byChoice.get(0)).toBe('mail [REDACTED:email]');
    expect(byChoice.get(1)).toBe('plain');
  });
});

describe('chatStreamMasker for Anthropic events', () => {
  it('masks text and tool-input deltas per block and flushes before content_block_stop', () => {
    const key = fake.githubPat();
    const m = ins.chatStreamMasker('anthropic');
    const events = [
      { type: 'message_start', message: { id: 'msg', content: [] } },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: `use ${key.slice(0, 10)}` } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: key.slice(10) } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 't', name: 'x', input: {} } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"mail":"ops@ac' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: 'me.io"}' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'message_stop' },
    ];

    const out = events.flatMap((e) => m.push(e)).concat(m.end()) as Array<{ type: string; index?: number; delta?: { text?: string; partial_json?: string } }>;

    const textOf = (i: number) => out.filter((e) => e.type === 'content_block_delta' && e.index === i).map((e) => e.delta!.text ?? e.delta!.partial_json).join('');
    expect(textOf(0)).toBe('use [REDACTED:github_token]');
    expect(textOf(1)).toBe('{"mail":"[REDACTED:email]"}');
    const stop0 = out.findIndex((e) => e.type === 'content_block_stop' && e.index === 0);
    expect(out.slice(stop0).some((e) => e.type === 'content_block_delta' && e.index === 0)).toBe(false);
    expect(out.map((e) => e.type).filter((t) => t !== 'content_block_delta')).toEqual(['message_start', 'content_block_start', 'content_block_stop', 'content_block_start', 'content_block_stop', 'message_stop']);
  });
});
