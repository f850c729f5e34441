import { upstreamError } from '../shared/errors';

/** Larger than any real stream event; an upstream that never ends an event cannot grow memory without bound. */
export const MAX_SSE_EVENT_CHARS = 8 * 1024 * 1024;

/**
 * Incremental Server-Sent Events parser: bytes in, `data` payloads out. Handles events split
 * across network chunks, CRLF line endings, comments and multi-line data fields; each byte is
 * looked at once.
 */
export async function* sseDataPayloads(body: AsyncIterable<Uint8Array>, maxEventChars = MAX_SSE_EVENT_CHARS): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let pending = '';
  let data: string[] = [];
  let eventChars = 0;
  const takeLine = (line: string): string | undefined => {
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line === '') {
      const event = data.length ? data.join('\n') : undefined;
      data = [];
      eventChars = 0;
      return event;
    }
    if (line.startsWith('data:')) {
      data.push(line.slice(line.charAt(5) === ' ' ? 6 : 5));
      eventChars += line.length;
    }
    return undefined;
  };
  const tooLarge = () => upstreamError(`The upstream sent a stream event larger than ${maxEventChars} characters.`);
  for await (const bytes of body) {
    const text = pending + decoder.decode(bytes, { stream: true });
    let start = 0;
    let newline: number;
    while ((newline = text.indexOf('\n', start)) >= 0) {
      const event = takeLine(text.slice(start, newline));
      start = newline + 1;
      if (eventChars > maxEventChars) throw tooLarge();
      if (event !== undefined) yield event;
    }
    pending = text.slice(start);
    if (pending.length + eventChars > maxEventChars) throw tooLarge();
  }
  pending += decoder.decode();
  takeLine(pending);
  if (data.length) yield data.join('\n');
}
