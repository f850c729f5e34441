import { fake, inspector } from './fixtures';

const ins = inspector();

describe('inspectChat on OpenAI requests', () => {
  const key = fake.awsKeyId();
  const body = {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: `deploy with ${key}` },
      { role: 'user', content: [{ type: 'text', text: 'mail jane.doe@acme.io' }, { type: 'image_url', image_url: { url: 'https://img.example/x.png' } }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'run', arguments: JSON.stringify({ password: 'Hunter2!xyz' }) } }] },
      { role: 'tool', tool_call_id: 'call_1', content: `result: ${key}` },
    ],
    tools: [{ type: 'function', function: { name: 'run', description: `uses ${key}`, parameters: { type: 'object', properties: { cmd: { type: 'string' } } } } }],
  };

  it('masks string contents, content parts, tool-call arguments, tool results and tool definitions', () => {
    const { body: masked } = ins.inspectChat(body, 'openai');

    const json = JSON.stringify(masked);
    expect(json).not.toContain(key);
    expect(json).not.toContain('jane.doe@acme.io');
    expect(json).not.toContain('Hunter2!xyz');
    expect(json).toContain('[REDACTED:aws_access_key_id]');
  });

  it('keeps the structure: ids, roles, images and tool-call arguments that still parse', () => {
    const masked = ins.inspectChat(body, 'openai').body as typeof body;

    expect(masked.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool']);
    expect(masked.messages[1]!.content).toEqual([{ type: 'text', text: 'mail [REDACTED:email]' }, body.messages[1]!.content![1]]);
    expect(JSON.parse(masked.messages[2]!.tool_calls![0]!.function.arguments)).toEqual({ password: '[REDACTED:generic_secret]' });
    expect(masked.messages[3]).toEqual({ role: 'tool', tool_call_id: 'call_1', content: 'result: [REDACTED:aws_access_key_id]' });
  });

  it('does not modify the request it was given', () => {
    const copy = structuredClone(body);

    ins.inspectChat(body, 'openai');

    expect(body).toEqual(copy);
  });

  it('counts findings by type and records where each one is', () => {
    const inspection = ins.inspectChat(body, 'openai');

    expect(inspection.findingCounts).toEqual({ aws_access_key_id: 3, email: 1, generic_secret: 1 });
    expect(inspection.findings.map((f) => f.path)).toContain('messages.3.content');
    expect(inspection.blockedBy).toEqual([]);
  });
});

describe('inspectChat on Anthropic requests', () => {
  const token = fake.githubPat();
  const body = {
    model: 'claude-sonnet-4',
    max_tokens: 100,
    system: [{ type: 'text', text: `token ${token}` }],
    messages: [
      { role: 'user', content: 'call me at +44 20 7946 0958' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'tu_1', name: 'db', input: { query: 'select 1', api_key: token } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'tu_1', content: [{ type: 'text', text: `row owner: jane.doe@acme.io` }] }] },
    ],
    tools: [{ name: 'db', description: 'query the database', input_schema: { type: 'object' } }],
  };

  it('masks system blocks, string and block contents, tool inputs and tool results', () => {
    const masked = ins.inspectChat(body, 'anthropic').body as typeof body;

    expect(masked.system).toEqual([{ type: 'text', text: 'token [REDACTED:github_token]' }]);
    expect(masked.messages[0]!.content).toBe('call me at [REDACTED:phone_number]');
    expect(masked.messages[1]!.content).toEqual([{ type: 'tool_use', id: 'tu_1', name: 'db', input: { query: 'select 1', api_key: '[REDACTED:github_token]' } }]);
    expect(JSON.stringify(masked.messages[2])).toContain('row owner: [REDACTED:email]');
  });
});

describe('reversible PII placeholders', () => {
  const reversible = inspector({ masking: { reversible_pii: true } });
  const body = { messages: [{ role: 'user', content: 'Write to jane.doe@acme.io and cc jane.doe@acme.io and bob@acme.io' }] };

  it('numbers each distinct value once in the prompt', () => {
    const inspection = reversible.inspectChat(body, 'openai');

    expect((inspection.body as typeof body).messages[0]!.content).toBe('Write to <EMAIL_1> and cc <EMAIL_1> and <EMAIL_2>');
  });

  it('restores the originals in text going back to the caller', () => {
    const inspection = reversible.inspectChat(body, 'openai');

    expect(inspection.restore('Sent to <EMAIL_2>, not <EMAIL_9>.')).toBe('Sent to bob@acme.io, not <EMAIL_9>.');
  });

  it('keeps secrets as redaction markers, never placeholders', () => {
    const key = fake.awsKeyId();

    const inspection = reversible.inspectChat({ messages: [{ role: 'user', content: key }] }, 'openai');

    expect((inspection.body as typeof body).messages[0]!.content).toBe('[REDACTED:aws_access_key_id]');
    expect(inspection.restore('[REDACTED:aws_access_key_id]')).toBe('[REDACTED:aws_access_key_id]');
  });

  it('never splits a placeholder across stream chunks, so restoring chunk by chunk works', () => {
    const inspection = reversible.inspectChat(body, 'openai');
    const answer = 'I wrote to <EMAIL_1> and then to <EMAIL_2> as asked.';

    for (let size = 1; size <= 12; size++) {
      const m = reversible.streamMasker();
      let restored = '';
      for (let i = 0; i < answer.length; i += size) restored += inspection.restore(m.push(answer.slice(i, i + size)));
      restored += inspection.restore(m.end());
      expect(restored).toBe('I wrote to jane.doe@acme.io and then to bob@acme.io as asked.');
    }
  });

  it('is the identity when nothing was replaced', () => {
    expect(ins.inspectChat({ messages: [{ role: 'user', content: 'hi' }] }, 'openai').restore('<EMAIL_1>')).toBe('<EMAIL_1>');
  });
});
