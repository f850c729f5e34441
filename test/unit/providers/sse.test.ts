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
