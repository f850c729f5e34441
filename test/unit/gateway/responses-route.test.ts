import { upstreamError } from '../../../lambdas/shared/errors';
import { fake } from '../inspect/fixtures';
import { inMemoryGateway, principal } from '../../support/in-memory-gateway';

const caller = principal('alice', ['llm-users']);
const at = { item_id: 'msg_1', output_index: 0, content_index: 0 };

async function* events(list: unknown[], failAfter?: number) {
  for (const [i, e] of list.entries()) {
    // What the provider throws when the upstream's connection drops mid-stream.
    if (failAfter !== undefined && i === failAfter) throw upstreamError('The upstream connection was reset.');
    yield JSON.stringify(e);
  }
}

/** The SSE frames a caller received: `event:` name and parsed data. */
const frames = (body: string) =>
  body
    .split('\n\n')
    .filter(Boolean)
    .map((frame) => ({ event: /^event: (.*)$/m.exec(frame)?.[1], data: JSON.parse(/^data: (.*)$/m.exec(frame)![1]!) as Record<string, unknown> }));

describe('POST /v1/responses (use case)', () => {
  it('sends typed frames, drops deltas the masker held back entirely, and records the masked events', async () => {
    const key = fake.awsKeyId();
    const pieces = key.match(/.{1,4}/g)!;
    const gateway = inMemoryGateway({
      script: async () => ({
        kind: 'stream',
        events: events([
          { type: 'response.created', response: { id: 'resp_1', status: 'in_progress', output: [] } },
          ...pieces.map((delta) => ({ type: 'response.output_text.delta', ...at, delta })),
          { type: 'response.output_text.done', ...at, text: key },
          { type: 'response.completed', response: { id: 'resp_1', status: 'completed', output: [], usage: { input_tokens: 3, output_tokens: 5, total_tokens: 8 } } },
        ]),
      }),
    });

    const reply = await gateway.call('/v1/responses', { principal: caller, body: { model: 'echo', input: 'hi', stream: true } });

    const sent = frames(reply.body);
    const deltas = sent.filter((f) => f.event === 'response.output_text.delta');
    expect(reply.status).toBe(200);
    expect(sent.every((f) => f.event === f.data.type)).toBe(true);
    expect(deltas.map((f) => f.data.delta)).toEqual(['[REDACTED:aws_access_key_id]']);
    expect(sent.at(-2)?.data).toMatchObject({ type: 'response.output_text.done', text: '[REDACTED:aws_access_key_id]' });
    expect(reply.body).not.toContain(key);
    const record = await gateway.sessions.get(reply.headers['x-airlock-session-id']!);
    expect(record).toMatchObject({ route: 'POST /v1/responses', status: 'completed', stream: true, usage: { promptTokens: 3, completionTokens: 5, totalTokens: 8 } });
    const transcript = (await gateway.transcripts.get(record!.transcriptKey!))!.transcript;
    expect(transcript.events?.length).toBe(sent.length);
    expect(JSON.stringify(transcript)).not.toContain(key);
  });

  it('ends a stream that fails midway with an error event the SDK raises, holding back what could be a secret', async () => {
    const key = fake.awsKeyId();
    const gateway = inMemoryGateway({
      script: async () => ({
        kind: 'stream',
        events: events([{ type: 'response.created', response: { id: 'resp_2', status: 'in_progress', output: [] } }, { type: 'response.output_text.delta', ...at, delta: key.slice(0, 12) }, { type: 'response.output_text.delta', ...at, delta: key.slice(12) }], 2),
      }),
    });

    const reply = await gateway.call('/v1/responses', { principal: caller, body: { model: 'echo', input: 'hi', stream: true } });

    const last = frames(reply.body).at(-1)!;
    expect(last.event).toBe('error');
    expect(last.data).toMatchObject({ type: 'error', error: { code: 'upstream_error', type: 'upstream_error' } });
    expect(reply.body).not.toContain(key.slice(0, 12));
    const record = await gateway.sessions.get(reply.headers['x-airlock-session-id']!);
    expect(record).toMatchObject({ status: 'failed', errorCode: 'upstream_error' });
  });

  it('refuses a streamed embeddings or token-count request naming the field', async () => {
    const gateway = inMemoryGateway();

    const embeddings = await gateway.call('/v1/embeddings', { principal: caller, body: { model: 'echo', input: 'x', stream: true } });
    const counting = await gateway.call('/v1/messages/count_tokens', { principal: caller, body: { model: 'echo', messages: [{ role: 'user', content: 'x' }], stream: true } });

    expect(embeddings.status).toBe(400);
    expect(embeddings.json()).toMatchObject({ error: { code: 'invalid_request', param: 'stream' } });
    expect(counting.status).toBe(400);
    expect(counting.json()).toMatchObject({ type: 'error', error: { code: 'invalid_request', param: 'stream' } });
    expect(gateway.provider.calls).toHaveLength(0);
  });
});
