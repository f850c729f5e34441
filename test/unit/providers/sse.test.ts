import { sseDataPayloads } from '../../../lambdas/providers/sse';

async function collect(chunks: string[]): Promise<string[]> {
  async function* source() {
    for (const c of chunks) yield new TextEncoder().encode(c);
  }
  const out: string[] = [];
  for await (const data of sseDataPayloads(source())) out.push(data);
  return out;
}

describe('SSE parser', () => {
  it('yields the data of each event', async () => {
    expect(await collect(['data: {"a":1}\n\ndata: [DONE]\n\n'])).toEqual(['{"a":1}', '[DONE]']);
  });

  it('joins an event split across network chunks, even inside a line', async () => {
    expect(await collect(['da', 'ta: {"te', 'xt":"hi"}\n', '\n'])).toEqual(['{"text":"hi"}']);
  });

  it('accepts CRLF line endings and data without a space', async () => {
    expect(await collect(['data:x\r\n\r\ndata: y\r\n\r\n'])).toEqual(['x', 'y']);
  });

  it('joins multi-line data with newlines and skips comments and other fields', async () => {
    expect(await collect([': keep-alive\n\nevent: message\nid: 7\ndata: one\ndata: two\n\n'])).toEqual(['one\ntwo']);
  });

  it('yields a last event that lacks its blank line', async () => {
    expect(await collect(['data: tail'])).toEqual(['tail']);
  });

  it('decodes a multi-byte character split across chunks', async () => {
    const bytes = new TextEncoder().encode('data: é€\n\n');
    async function* source() {
      for (const b of bytes) yield new Uint8Array([b]);
    }
    const out: string[] = [];
    for await (const d of sseDataPayloads(source())) out.push(d);
    expect(out).toEqual(['é€']);
  });
});

describe('SSE parser limits', () => {
  async function drain(chunks: string[], max: number): Promise<unknown> {
    async function* source() {
      for (const c of chunks) yield new TextEncoder().encode(c);
    }
    try {
      for await (const _ of sseDataPayloads(source(), max)) void _;
      return undefined;
    } catch (err) {
      return err;
    }
  }

  it('refuses a line that never ends', async () => {
    expect(await drain(['data: ', 'x'.repeat(60), 'x'.repeat(60)], 100)).toMatchObject({ status: 502, code: 'upstream_error' });
  });

  it('refuses an event whose data lines never reach a blank line', async () => {
    expect(await drain([Array.from({ length: 20 }, () => 'data: 0123456789\n').join('')], 100)).toMatchObject({ status: 502 });
  });

  it('accepts many events that are each within the limit', async () => {
    expect(await drain([Array.from({ length: 50 }, () => 'data: 0123456789\n\n').join('')], 100)).toBeUndefined();
  });
});
