import fc from 'fast-check';
import { fake, inspector, p } from './fixtures';

const ins = inspector();
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('JSON inspection: every string leaf of a request', () => {
  const key = fake.awsKeyId();
  const requests: Array<[string, 'openai' | 'anthropic', unknown]> = [
    ['legacy functions[].description', 'openai', { model: 'm', messages: [], functions: [{ name: 'f', description: `uses ${key}`, parameters: {} }] }],
    ['prediction.content', 'openai', { model: 'm', messages: [], prediction: { type: 'content', content: `x = "${key}"` } }],
    ['a message name', 'openai', { model: 'm', messages: [{ role: 'user', name: key, content: 'hi' }] }],
    ['user', 'openai', { model: 'm', messages: [], user: key }],
    ['metadata values', 'openai', { model: 'm', messages: [], metadata: { note: key } }],
    ['an unknown top-level field', 'openai', { model: 'm', messages: [], instructions: `use ${key}` }],
    ['response_format.json_schema', 'openai', { model: 'm', messages: [], response_format: { type: 'json_schema', json_schema: { name: 's', schema: { description: key } } } }],
    ['custom tools', 'openai', { model: 'm', messages: [], tools: [{ type: 'custom', custom: { name: 't', description: `key ${key}` } }] }],
    ['image_url.url with credentials', 'openai', { model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `https://x.example/i.png?k=${key}` } }] }] }],
    ['file parts (file_data as a text data URL)', 'openai', { model: 'm', messages: [{ role: 'user', content: [{ type: 'file', file: { filename: 'a.txt', file_data: `data:text/plain;base64,${b64(`AWS_ACCESS_KEY_ID=${key}`)}` } }] }] }],
    ['document blocks (source.type text)', 'anthropic', { model: 'm', max_tokens: 1, messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'text', media_type: 'text/plain', data: `k ${key}` } }] }] }],
    ['document blocks (content)', 'anthropic', { model: 'm', max_tokens: 1, messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'content', content: [{ type: 'text', text: key }] } }] }] }],
    ['document blocks (base64 text)', 'anthropic', { model: 'm', max_tokens: 1, messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'base64', media_type: 'text/plain', data: b64(`key ${key}`) } }] }] }],
    ['search_result blocks', 'anthropic', { model: 'm', max_tokens: 1, messages: [{ role: 'user', content: [{ type: 'search_result', source: 's', title: 't', content: [{ type: 'text', text: key }] }] }] }],
    ['thinking blocks in the history', 'anthropic', { model: 'm', max_tokens: 1, messages: [{ role: 'assistant', content: [{ type: 'thinking', thinking: `found ${key}`, signature: 'c2ln' }] }] }],
    ['metadata.user_id', 'anthropic', { model: 'm', max_tokens: 1, messages: [], metadata: { user_id: key } }],
    ['an object key', 'openai', { model: 'm', messages: [], metadata: { [key]: 'x' } }],
  ];

  it.each(requests)('masks a secret in %s', (_name, format, body) => {
    const inspection = ins.inspectChat(body, format);

    expect(JSON.stringify(inspection.body)).not.toContain(key);
    expect(inspection.findingCounts.aws_access_key_id).toBeGreaterThan(0);
  });

  it('keeps structural fields and opaque ciphertexts as they are', () => {
    const signature = p('Eq', 'kBCkYICBgCIkAKIA') + 'AAAA';
    const body = { model: 'm', max_tokens: 1, messages: [{ role: 'assistant', content: [{ type: 'thinking', thinking: 'plain', signature }, { type: 'redacted_thinking', data: signature }] }] };

    const inspection = ins.inspectChat(body, 'anthropic');

    expect(inspection.body).toEqual(body);
  });

  it('still inspects a structural field whose value is not an enumeration', () => {
    const inspection = ins.inspectChat({ model: 'm', messages: [{ role: key, content: 'hi' }] }, 'openai');

    expect(JSON.stringify(inspection.body)).not.toContain(key);
  });

  it('re-encodes a masked text data URL in the same encoding', () => {
    const url = `data:text/plain;base64,${b64(`id ${key} end`)}`;

    const { body } = ins.inspectChat({ model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url } }] }] }, 'openai');
    const out = (body as { messages: Array<{ content: Array<{ image_url: { url: string } }> }> }).messages[0]!.content[0]!.image_url.url;

    expect(out.startsWith('data:text/plain;base64,')).toBe(true);
    expect(Buffer.from(out.slice(out.indexOf(',') + 1), 'base64').toString('utf8')).toBe('id [REDACTED:aws_access_key_id] end');
  });

  it('counts a binary attachment and refuses it when the policy blocks attachments', () => {
    const png = `data:image/png;base64,${Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 255, 254]).toString('base64')}`;
    const body = { model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: png } }] }] };

    const allowed = ins.inspectChat(body, 'openai');
    const blocked = inspector({ attachments: 'block' }).inspectChat(body, 'openai');

    expect(allowed.blockedBy).toEqual([]);
    expect(allowed.findingCounts.binary_attachment).toBe(1);
    expect(allowed.body).toEqual(body);
    expect(blocked.blockedBy).toContain('binary_attachment');
  });
});

describe('JSON inspection: normalised views', () => {
  it('finds a key with a zero-width character inside and masks the original characters', () => {
    const key = fake.githubPat();
    const hidden = key.slice(0, 10) + '\u200b' + key.slice(10);

    const { masked } = ins.maskText(`token ${hidden} here`);

    expect(masked).toBe('token [REDACTED:github_token] here');
  });

  it('finds a key written in full-width letters', () => {
    const key = fake.awsKeyId();
    const wide = [...key].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('');

    const { masked } = ins.maskText(`id ${wide}.`);

    expect(masked).toBe('id [REDACTED:aws_access_key_id].');
  });

  it('finds a percent-encoded e-mail address in a query string', () => {
    const { masked, findings } = ins.maskText('https://x.example/a?to=jane.doe%40acme.io&x=1');

    expect(findings.map((f) => f.type)).toContain('email');
    expect(masked).not.toContain('jane.doe');
  });
});

describe('JSON inspection: risk reads every field, normalised', () => {
  const review = (body: unknown, format: 'openai' | 'anthropic') => ins.inspectChat(body, format).risk.reasons.map((r) => r.id);

  it('scores DROP DATABASE inside a document block', () => {
    const body = { model: 'm', max_tokens: 1, messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'DROP DATABASE prod;' } }] }] };

    expect(review(body, 'anthropic')).toContain('dangerous_command.drop_database');
  });

  it.each([
    ['an SQL comment', 'DROP/**/DATABASE prod;'],
    ['a zero-width character', 'DR\u200bOP DATABASE prod;'],
  ])('scores DROP DATABASE hidden by %s', (_name, text) => {
    expect(review({ model: 'm', messages: [{ role: 'user', content: text }] }, 'openai')).toContain('dangerous_command.drop_database');
  });

  it('scores a command split across two user messages', () => {
    const body = { model: 'm', messages: [{ role: 'user', content: 'please run DROP' }, { role: 'assistant', content: 'ok?' }, { role: 'user', content: 'DATABASE prod;' }] };

    expect(review(body, 'openai')).toContain('dangerous_command.drop_database');
  });
});

describe('JSON masking of answers', () => {
  const key = fake.githubPat();
  const answers: Array<[string, 'openai' | 'anthropic', unknown]> = [
    ['message.reasoning_content', 'openai', { choices: [{ index: 0, message: { role: 'assistant', content: '', reasoning_content: key }, finish_reason: 'stop' }] }],
    ['audio.transcript', 'openai', { choices: [{ index: 0, message: { role: 'assistant', audio: { id: 'a', data: '', transcript: key } } }] }],
    ['logprobs tokens', 'openai', { choices: [{ index: 0, message: { role: 'assistant', content: 'x' }, logprobs: { content: [{ token: key, logprob: 0, bytes: [] }] } }] }],
    ['an error object in a 200 body', 'openai', { error: { message: `bad key ${key}`, type: 'x' } }],
    ['Anthropic thinking blocks', 'anthropic', { type: 'message', role: 'assistant', content: [{ type: 'thinking', thinking: key, signature: 'c2ln' }] }],
    ['Anthropic citations', 'anthropic', { type: 'message', content: [{ type: 'text', text: 'x', citations: [{ type: 'char_location', cited_text: key }] }] }],
  ];

  it.each(answers)('masks a secret in %s', (_name, format, body) => {
    const out = ins.maskChatResponse(body, format);

    expect(JSON.stringify(out.body)).not.toContain(key);
  });

  it("masks the gateway's own upstream key by exact match", () => {
    const upstreamKey = `gw-${p('inner', 'key')}-0123456789`;

    const out = ins.maskJson({ choices: [{ message: { content: `your key is ${upstreamKey}` } }] }, { knownSecrets: [upstreamKey] });

    expect(JSON.stringify(out.value)).not.toContain(upstreamKey);
    expect(out.findings.map((f) => f.type)).toEqual(['gateway_credential']);
  });
});

describe('JSON stream masking', () => {
  const key = fake.githubPat();
  const run = (format: 'openai' | 'anthropic', events: unknown[], knownSecrets?: string[]) => {
    const masker = ins.jsonStreamMasker(format, knownSecrets ? { knownSecrets } : {});
    const out = events.flatMap((e) => masker.push(e));
    return [...out, ...masker.end()];
  };
  const chunk = (delta: unknown, finish: string | null = null, extra: Record<string, unknown> = {}) => ({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish, ...extra }] });

  it('masks reasoning_content split across chunks and flushes it before the finish', () => {
    const cut = 12;
    const out = run('openai', [chunk({ reasoning_content: `see ${key.slice(0, cut)}` }), chunk({ reasoning_content: key.slice(cut) + ' done' }), chunk({}, 'stop')]);

    const text = out.map((e) => (e as { choices: Array<{ delta: { reasoning_content?: string } }> }).choices[0]?.delta.reasoning_content ?? '').join('');
    expect(text).toBe('see [REDACTED:github_token] done');
    expect((out[out.length - 1] as { choices: Array<{ finish_reason: string }> }).choices[0]!.finish_reason).toBe('stop');
  });

  it('masks delta.content given as an array of parts, logprobs and an error object', () => {
    const out = run('openai', [
      chunk({ content: [{ type: 'text', text: key }] }, null, { logprobs: { content: [{ token: key }] } }),
      { error: { message: key } },
      chunk({}, 'stop'),
    ]);

    expect(JSON.stringify(out)).not.toContain(key.slice(4));
  });

  it('masks Anthropic citations_delta, content_block_start text and error events', () => {
    const out = run('anthropic', [
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: key } },
      { type: 'content_block_delta', index: 0, delta: { type: 'citations_delta', citation: { type: 'char_location', cited_text: key } } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: key.slice(0, 9) } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: key.slice(9) } },
      { type: 'content_block_stop', index: 0 },
      { type: 'error', error: { type: 'overloaded_error', message: key } },
    ]);

    expect(JSON.stringify(out)).not.toContain(key.slice(4));
  });

  it('masks a key hidden by a zero-width character, split across chunks', () => {
    const hidden = key.slice(0, 10) + '\u200b' + key.slice(10);

    const out = run('openai', [chunk({ content: `k ${hidden.slice(0, 6)}` }), chunk({ content: `${hidden.slice(6)} end` }), chunk({}, 'stop')]);

    const text = out.map((e) => (e as { choices: Array<{ delta: { content?: string } }> }).choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('k [REDACTED:github_token] end');
  });

  it("masks the gateway's own key split across two chunks", () => {
    const upstreamKey = `gw-${p('inner', 'key')}-0123456789`;

    const out = run('openai', [chunk({ content: `key: ${upstreamKey.slice(0, 7)}` }), chunk({ content: upstreamKey.slice(7) }), chunk({}, 'stop')], [upstreamKey]);

    expect(JSON.stringify(out)).not.toContain(upstreamKey.slice(2));
    expect(JSON.stringify(out)).toContain('[REDACTED:gateway_credential]');
  });
});

describe('property: a canary planted anywhere never passes', () => {
  const canary = fake.awsKeyId();
  const keyArb = fc.oneof(fc.constantFrom('content', 'text', 'metadata', 'x_unknown', 'instructions', 'parts', 'value', 'description', 'input', 'name', 'toString', 'constructor'), fc.string({ minLength: 1, maxLength: 8 }));
  const leafArb = fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean(), fc.constant(null));
  const jsonArb = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, leafArb, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(keyArb, tie('node'), { maxKeys: 3 })),
  })).node;
  const wrapArb = fc.constantFrom(
    (s: string) => s,
    (s: string) => `before ${s} after`,
    (s: string) => `data:text/plain;base64,${b64(`K=${s}`)}`,
    (s: string) => `https://h.example/p?key=${s}`,
  );

  /** Plants the value at a position chosen by `choice` among the body's leaves and containers. */
  function plant(value: unknown, text: string, choice: number): unknown {
    const slots: Array<(v: string) => void> = [];
    const root = { holder: structuredClone(value) };
    const walk = (node: unknown, set: (v: unknown) => void) => {
      slots.push(set);
      if (Array.isArray(node)) node.forEach((v, i) => walk(v, (nv) => (node[i] = nv)));
      else if (node && typeof node === 'object') for (const k of Object.keys(node)) walk((node as Record<string, unknown>)[k], (nv) => ((node as Record<string, unknown>)[k] = nv));
    };
    walk(root.holder, (nv) => (root.holder = nv));
    slots[choice % slots.length]!(text);
    return root.holder;
  }

  it.each(['openai', 'anthropic'] as const)('in a %s request body', (format) => {
    fc.assert(
      fc.property(jsonArb, wrapArb, fc.nat(), (json, wrap, choice) => {
        const body = { model: 'm', messages: [{ role: 'user', content: plant(json, wrap(canary), choice) }], extra: json };

        const inspection = ins.inspectChat(body, format);

        expect(JSON.stringify(inspection.body)).not.toContain(canary);
      }),
      { numRuns: 300 },
    );
  });

  it.each(['openai', 'anthropic'] as const)('in a %s answer', (format) => {
    fc.assert(
      fc.property(jsonArb, wrapArb, fc.nat(), (json, wrap, choice) => {
        const body = plant({ id: 'x', content: json, choices: [json] }, wrap(canary), choice);

        expect(JSON.stringify(ins.maskChatResponse(body, format).body)).not.toContain(canary);
      }),
      { numRuns: 300 },
    );
  });

  it.each(['openai', 'anthropic'] as const)('in %s stream events cut at random points', (format) => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), fc.array(fc.nat(), { maxLength: 6 }), (before, after, cuts) => {
        const text = `${before} ${canary} ${after}`;
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const pieces = [0, ...points, text.length].slice(1).map((end, i, ends) => text.slice(i === 0 ? 0 : ends[i - 1], end));
        const events =
          format === 'openai'
            ? [...pieces.map((t) => ({ choices: [{ index: 0, delta: { content: t }, finish_reason: null }] })), { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }]
            : [...pieces.map((t) => ({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: t } })), { type: 'content_block_stop', index: 0 }];
        const masker = ins.jsonStreamMasker(format);

        const out = [...events.flatMap((e) => masker.push(e)), ...masker.end()];

        expect(JSON.stringify(out)).not.toContain(canary);
      }),
      { numRuns: 300 },
    );
  });
});
