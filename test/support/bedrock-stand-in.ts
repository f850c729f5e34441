import { createServer, type Http2Server, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';

/**
 * A local stand-in for Amazon Bedrock's runtime API: `POST /model/{modelId}/converse` answers JSON,
 * `POST /model/{modelId}/converse-stream` answers `application/vnd.amazon.eventstream`, the AWS
 * event-stream binary framing the SDK decodes (prelude with lengths and CRC32, typed headers,
 * JSON payload, message CRC32). It speaks HTTP/2 without TLS, because the Bedrock runtime client's
 * default handler is HTTP/2. The real `@aws-sdk/client-bedrock-runtime` is pointed at it with an
 * endpoint override and dummy credentials. Its model echoes the last user text it received; image
 * blocks are checked as Bedrock checks them (format, base64 bytes) and kept in `requests`.
 */
export interface BedrockStandIn {
  url: string;
  /** Every request: path, its JSON body, its Authorization header (SigV4 from the SDK). */
  readonly requests: Array<{ path: string; modelId: string; body: Record<string, any>; authorization: string }>;
  /** The answer text for a request (default "Echo: " + the last user text). */
  reply: (body: Record<string, any>) => string;
  /** Characters per streamed text delta. */
  chunkChars: number;
  /**
   * `status500`: the following requests fail with InternalServerException (HTTP 500); `hang`: they
   * get no answer; `stream-exception`: a stream breaks off after its first delta with an exception message.
   */
  fault: 'none' | 'status500' | 'hang' | 'stream-exception';
  close(): Promise<void>;
}

export async function startBedrockStandIn(): Promise<BedrockStandIn> {
  const state: BedrockStandIn = {
    url: '',
    requests: [],
    reply: (body) => `Echo: ${lastUserText(body)}`,
    chunkChars: 4,
    fault: 'none',
    close: async () => undefined,
  };
  const server: Http2Server = createServer((req: Http2ServerRequest, res: Http2ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => answer(state, req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sessions = new Set<import('node:http2').ServerHttp2Session>();
  server.on('session', (s) => {
    sessions.add(s);
    s.once('close', () => sessions.delete(s));
  });
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sessions) s.destroy();
      server.close(() => resolve());
    });
  return state;
}

function answer(state: BedrockStandIn, req: Http2ServerRequest, res: Http2ServerResponse, text: string): void {
  const match = /^\/model\/([^/]+)\/(converse|converse-stream)$/.exec(req.url ?? '');
  if (req.method !== 'POST' || !match) return error(res, 404, 'UnknownOperationException', 'no such operation');
  const modelId = decodeURIComponent(match[1]!);
  let body: Record<string, any>;
  try {
    body = JSON.parse(text) as Record<string, any>;
  } catch {
    return error(res, 400, 'ValidationException', 'the body is not JSON');
  }
  state.requests.push({ path: req.url, modelId, body, authorization: String(req.headers.authorization ?? '') });
  if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')) return error(res, 403, 'AccessDeniedException', 'the request is not signed');
  if (state.fault === 'status500') return error(res, 500, 'InternalServerException', 'the stand-in is down');
  if (state.fault === 'hang') return;
  if (modelId.includes('missing')) return error(res, 404, 'ResourceNotFoundException', `model ${modelId} is not available`);
  if (!Array.isArray(body.messages) || body.messages.length === 0) return error(res, 400, 'ValidationException', 'messages is required');
  const badImage = invalidImage(body);
  if (badImage) return error(res, 400, 'ValidationException', badImage);

  const reply = state.reply(body);
  const inputTokens = JSON.stringify(body.messages).length;
  const usage = { inputTokens, outputTokens: reply.length, totalTokens: inputTokens + reply.length };
  if (match[2] === 'converse') {
    res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': 'stand-in' });
    res.end(JSON.stringify({ output: { message: { role: 'assistant', content: [{ text: reply }] } }, stopReason: 'end_turn', usage, metrics: { latencyMs: 1 } }));
    return;
  }
  res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': 'stand-in' });
  res.write(eventMessage('messageStart', { role: 'assistant' }));
  for (let i = 0; i < reply.length; i += state.chunkChars) {
    res.write(eventMessage('contentBlockDelta', { contentBlockIndex: 0, delta: { text: reply.slice(i, i + state.chunkChars) } }));
    if (state.fault === 'stream-exception') return void res.end(frame({ ':exception-type': 'modelStreamErrorException', ':content-type': 'application/json', ':message-type': 'exception' }, { message: 'the model broke off' }));
  }
  res.write(eventMessage('contentBlockStop', { contentBlockIndex: 0 }));
  res.write(eventMessage('messageStop', { stopReason: 'end_turn' }));
  res.end(eventMessage('metadata', { usage, metrics: { latencyMs: 1 } }));
}

function error(res: Http2ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type, 'x-amzn-requestid': 'stand-in' });
  res.end(JSON.stringify({ message }));
}

/**
 * One event-stream message: total length, headers length and the prelude's CRC32 (big-endian
 * uint32 each), the headers (name length, name, type 7 = string, value length, value), the
 * payload, and the CRC32 of everything before it.
 */
export function eventMessage(eventType: string, payload: unknown): Buffer {
  return frame({ ':event-type': eventType, ':content-type': 'application/json', ':message-type': 'event' }, payload);
}

function frame(headerValues: Record<string, string>, payload: unknown): Buffer {
  const headers = Buffer.concat(
    Object.entries(headerValues).map(([name, value]) => {
      const n = Buffer.from(name, 'utf8');
      const v = Buffer.from(value, 'utf8');
      const h = Buffer.alloc(1 + n.length + 1 + 2 + v.length);
      h.writeUInt8(n.length, 0);
      n.copy(h, 1);
      h.writeUInt8(7, 1 + n.length);
      h.writeUInt16BE(v.length, 2 + n.length);
      v.copy(h, 4 + n.length);
      return h;
    }),
  );
  const body = Buffer.from(JSON.stringify(payload), 'utf8');
  const total = 12 + headers.length + body.length + 4;
  const prelude = Buffer.alloc(12);
  prelude.writeUInt32BE(total, 0);
  prelude.writeUInt32BE(headers.length, 4);
  prelude.writeUInt32BE(crc32(prelude.subarray(0, 8)), 8);
  const withoutCrc = Buffer.concat([prelude, headers, body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(withoutCrc), 0);
  return Buffer.concat([withoutCrc, crc]);
}

/** As Bedrock checks them: an image block names a format it reads and carries its bytes (base64 in the JSON body). */
function invalidImage(body: Record<string, any>): string | undefined {
  const blocks = (body.messages as Array<{ content?: Array<Record<string, any>> }>).flatMap((m) => m.content ?? []);
  const images = [...blocks, ...blocks.flatMap((b) => (b.toolResult?.content ?? []) as Array<Record<string, any>>)].filter((b) => b.image);
  for (const { image } of images) {
    if (!['png', 'jpeg', 'gif', 'webp'].includes(image.format)) return `image format ${String(image.format)} is not supported`;
    const bytes = image.source?.bytes;
    if (typeof bytes !== 'string' || bytes === '' || Buffer.from(bytes, 'base64').toString('base64') !== bytes) return 'image bytes must be base64';
  }
  return undefined;
}

function lastUserText(body: Record<string, any>): string {
  const user = [...(body.messages as Array<{ role: string; content: Array<{ text?: string }> }>)].reverse().find((m) => m.role === 'user');
  return (user?.content ?? []).map((b) => b.text ?? '').join('');
}
