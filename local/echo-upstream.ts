import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The built-in echo model: a real OpenAI-compatible HTTP server on loopback that answers with the
 * (already masked) prompt it received. `npm start` uses it when no upstream is configured, tests
 * and benchmarks use it as the upstream whose every request can be inspected.
 */
export interface EchoUpstreamOptions {
  port?: number;
  models?: string[];
  /** The answer text for a request (default: "Echo: " + the last user message). */
  reply?: (body: ChatBody) => string;
  /** Delay between stream chunks, in ms. */
  chunkDelayMs?: number;
  /** Words per stream chunk (default 1). */
  wordsPerChunk?: number;
  /** Cut the stream into chunks of this many characters instead of words. */
  chunkChars?: number;
  /** Per model, a wait before the first byte of the answer (benchmarks' slower upstream, e.g. `{ "echo-ttfb50": 50 }`). */
  firstByteDelayMs?: Record<string, number>;
}

/**
 * A test-given answer sent back as it is, instead of the echo: a raw JSON body (non-streamed
 * requests) or raw stream events (streamed requests; Anthropic events get their `event:` line).
 */
export interface EchoScript {
  json?: unknown;
  events?: unknown[];
}

export type EchoFault = 'none' | 'status500' | 'status401' | 'hang' | 'reset' | 'hang-mid-stream' | 'malformed-stream';

interface ChatBody {
  model?: string;
  messages?: Array<{ role?: string; content?: unknown }>;
  stream?: boolean;
  stream_options?: { include_usage?: boolean } | null;
}

/** What the echo reads of an embeddings, responses or count_tokens request. */
interface EchoRequestBody extends ChatBody {
  input?: unknown;
  encoding_format?: string;
}

export interface EchoUpstream {
  url: string;
  /** Bodies (raw text) of every request received, in order. */
  readonly requests: string[];
  /** The Authorization header of every request received, in order. */
  readonly authorizations: string[];
  /** The x-api-key header (Anthropic's key header) of every request received, in order. */
  readonly apiKeys: string[];
  /** Requests whose caller (the gateway) closed the connection before the answer was complete. */
  readonly abandoned: number;
  /** Changes behaviour for the following requests (tests of upstream failures). */
  fault: EchoFault;
  reply: (body: ChatBody) => string;
  /** When set, the following requests are answered with it instead of the echo. */
  script?: EchoScript;
  /** How answers are cut into stream chunks; changeable between requests. */
  chunking: Pick<EchoUpstreamOptions, 'chunkDelayMs' | 'wordsPerChunk' | 'chunkChars'>;
  close(): Promise<void>;
}

export async function startEchoUpstream(options: EchoUpstreamOptions = {}): Promise<EchoUpstream> {
  const models = options.models ?? ['echo'];
  const requests: string[] = [];
  const authorizations: string[] = [];
  const apiKeys: string[] = [];
  let abandoned = 0;
  const state: EchoUpstream = {
    url: '',
    get abandoned() {
      return abandoned;
    },
    requests,
    authorizations,
    apiKeys,
    fault: 'none',
    reply: options.reply ?? ((body) => `Echo: ${lastUserText(body)}`),
    chunking: { chunkDelayMs: options.chunkDelayMs, wordsPerChunk: options.wordsPerChunk, chunkChars: options.chunkChars },
    close: async () => undefined,
  };

  const server: Server = createServer(async (req, res) => {
    res.on('close', () => {
      if (!res.writableFinished) abandoned++;
    });
    const body = await readBody(req);
    if (req.method === 'POST') requests.push(body);
    authorizations.push(req.headers.authorization ?? '');
    apiKeys.push(String(req.headers['x-api-key'] ?? ''));
    const delay = options.firstByteDelayMs ? options.firstByteDelayMs[modelOf(body)] : undefined;
    if (delay) await new Promise((r) => setTimeout(r, delay));
    if (state.fault === 'hang') return;
    if (state.fault === 'reset') return void req.socket.destroy();
    if (state.fault === 'status500') return json(res, 500, { error: { message: 'upstream exploded', type: 'server_error', code: null } });
    if (state.fault === 'status401') return json(res, 401, { error: { message: 'Incorrect API key provided: sk-upstream-secret', type: 'invalid_request_error', code: 'invalid_api_key' } });
    const path = (req.url ?? '').split('?')[0]!.replace(/^\/v1/, '');
    if (req.method === 'GET' && path === '/models') {
      return json(res, 200, { object: 'list', data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'echo' })) });
    }
    if (req.method === 'POST' && (path === '/embeddings' || path === '/responses' || path === '/messages/count_tokens')) {
      const anthropic = path === '/messages/count_tokens';
      let parsed: EchoRequestBody;
      try {
        parsed = JSON.parse(body) as EchoRequestBody;
      } catch {
        return json(res, 400, { error: { message: 'invalid JSON', type: 'invalid_request_error', code: null } });
      }
      if (!parsed.model || !models.includes(parsed.model)) {
        return anthropic
          ? json(res, 404, { type: 'error', error: { type: 'not_found_error', message: 'model not found' } })
          : json(res, 404, { error: { message: 'model not found', type: 'invalid_request_error', code: 'model_not_found' } });
      }
      if (state.script) return scripted(res, state.script, parsed.stream === true, path === '/responses');
      if (path === '/embeddings') return json(res, 200, embeddingList(parsed));
      if (anthropic) return json(res, 200, { input_tokens: Math.ceil(JSON.stringify(parsed.messages ?? []).length / 4) });
      const text = state.reply({ ...parsed, messages: responseInputAsMessages(parsed.input) });
      return parsed.stream ? streamResponse(res, parsed, text, state) : json(res, 200, responseObject(parsed, text, 'completed'));
    }
    if (req.method === 'POST' && path === '/messages') {
      let parsed: ChatBody & { max_tokens?: number };
      try {
        parsed = JSON.parse(body) as ChatBody;
      } catch {
        return json(res, 400, { type: 'error', error: { type: 'invalid_request_error', message: 'invalid JSON' } });
      }
      if (!parsed.model || !models.includes(parsed.model)) {
        return json(res, 404, { type: 'error', error: { type: 'not_found_error', message: 'model not found' } });
      }
      if (state.script) return scripted(res, state.script, parsed.stream === true, true);
      const text = state.reply(parsed);
      return parsed.stream ? streamAnthropic(res, parsed, text, state) : json(res, 200, anthropicMessage(parsed, text));
    }
    if (req.method === 'POST' && path === '/chat/completions') {
      let parsed: ChatBody;
      try {
        parsed = JSON.parse(body) as ChatBody;
      } catch {
        return json(res, 400, { error: { message: 'invalid JSON', type: 'invalid_request_error', code: null } });
      }
      if (!parsed.model || !models.includes(parsed.model)) {
        return json(res, 404, { error: { message: 'model not found', type: 'invalid_request_error', code: 'model_not_found' } });
      }
      if (state.script) return scripted(res, state.script, parsed.stream === true, false);
      const text = state.reply(parsed);
      return parsed.stream ? streamAnswer(res, parsed, text, state) : json(res, 200, completion(parsed, text));
    }
    json(res, 404, { error: { message: 'not found', type: 'invalid_request_error', code: null } });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

function lastUserText(body: ChatBody): string {
  const user = [...(body.messages ?? [])].reverse().find((m) => m.role === 'user');
  const content = user?.content;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (p && typeof p === 'object' && 'text' in p ? String(p.text) : '')).join('');
  return '';
}

const usage = (body: ChatBody, text: string) => {
  const prompt = Math.ceil(JSON.stringify(body.messages ?? []).length / 4);
  const completionTokens = Math.ceil(text.length / 4);
  return { prompt_tokens: prompt, completion_tokens: completionTokens, total_tokens: prompt + completionTokens };
};

function completion(body: ChatBody, text: string) {
  return {
    id: `chatcmpl-echo-${Date.now()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop', logprobs: null }],
    usage: usage(body, text),
  };
}

async function streamAnswer(res: ServerResponse, body: ChatBody, text: string, state: EchoUpstream) {
  const options = state.chunking;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const id = `chatcmpl-echo-${Date.now()}`;
  const base = { id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: body.model };
  const send = (chunk: unknown) => res.write(`data: ${JSON.stringify(chunk)}\n\n`);
  send({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
  const pieces = options.chunkChars ? (text.match(new RegExp(`[\\s\\S]{1,${options.chunkChars}}`, 'g')) ?? []) : text.split(/(?<=\s)/);
  const per = options.chunkChars ? 1 : (options.wordsPerChunk ?? 1);
  for (let i = 0; i < pieces.length; i += per) {
    if (options.chunkDelayMs) await new Promise((r) => setTimeout(r, options.chunkDelayMs));
    if (res.destroyed) return;
    if (state.fault === 'hang-mid-stream' && i > 0) return;
    if (state.fault === 'malformed-stream' && i > 0) return void res.end('data: {not json\n\n');
    send({ ...base, choices: [{ index: 0, delta: { content: pieces.slice(i, i + per).join('') }, finish_reason: null }] });
  }
  send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
  if (body.stream_options?.include_usage) send({ ...base, choices: [], usage: usage(body, text) });
  res.end('data: [DONE]\n\n');
}

function anthropicMessage(body: ChatBody, text: string) {
  const u = usage(body, text);
  return {
    id: `msg_echo_${Date.now()}`,
    type: 'message',
    role: 'assistant',
    model: body.model,
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: u.prompt_tokens, output_tokens: u.completion_tokens },
  };
}

async function streamAnthropic(res: ServerResponse, body: ChatBody, text: string, state: EchoUpstream) {
  const options = state.chunking;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const send = (event: { type: string } & Record<string, unknown>) => res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  const message = anthropicMessage(body, text);
  send({ type: 'message_start', message: { ...message, content: [], stop_reason: null, usage: { input_tokens: message.usage.input_tokens, output_tokens: 1 } } });
  send({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
  const pieces = options.chunkChars ? (text.match(new RegExp(`[\\s\\S]{1,${options.chunkChars}}`, 'g')) ?? []) : text.split(/(?<=\s)/);
  for (const piece of pieces) {
    if (options.chunkDelayMs) await new Promise((r) => setTimeout(r, options.chunkDelayMs));
    if (res.destroyed) return;
    send({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } });
  }
  send({ type: 'content_block_stop', index: 0 });
  send({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: message.usage.output_tokens } });
  send({ type: 'message_stop' });
  res.end();
}

/** One vector per input, derived from the input's length; base64 (little-endian float32) when asked, as the OpenAI SDK does by default. */
function embeddingList(body: EchoRequestBody) {
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  const data = inputs.map((input, index) => {
    const size = JSON.stringify(input ?? '').length;
    const vector = [size / 100, 0.5, -0.25, 1];
    const embedding = body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
    return { object: 'embedding', index, embedding };
  });
  const tokens = Math.ceil(JSON.stringify(body.input ?? '').length / 4);
  return { object: 'list', data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}

/** Responses API input (text or input items) as chat messages, for the echo's reply. */
function responseInputAsMessages(input: unknown): ChatBody['messages'] {
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  if (!Array.isArray(input)) return [];
  return input.map((item: { role?: string; content?: unknown }) => ({
    role: item?.role ?? 'user',
    content: Array.isArray(item?.content) ? item.content.map((p: { text?: unknown }) => ({ text: String(p?.text ?? '') })) : item?.content,
  }));
}

function responseObject(body: EchoRequestBody, text: string, status: 'in_progress' | 'completed') {
  const inputTokens = Math.ceil(JSON.stringify(body.input ?? '').length / 4);
  const outputTokens = Math.ceil(text.length / 4);
  const done = status === 'completed';
  return {
    id: 'resp_echo',
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status,
    model: body.model,
    output: done ? [{ id: 'msg_echo', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] }] : [],
    usage: done ? { input_tokens: inputTokens, output_tokens: outputTokens, total_tokens: inputTokens + outputTokens } : null,
  };
}

/** The Responses API's typed stream: created, item and part added, text deltas, the done events, completed. */
async function streamResponse(res: ServerResponse, body: EchoRequestBody, text: string, state: EchoUpstream) {
  const options = state.chunking;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  let sequence = 0;
  const send = (event: { type: string } & Record<string, unknown>) => res.write(`event: ${event.type}\ndata: ${JSON.stringify({ ...event, sequence_number: sequence++ })}\n\n`);
  const at = { item_id: 'msg_echo', output_index: 0, content_index: 0 };
  send({ type: 'response.created', response: responseObject(body, '', 'in_progress') });
  send({ type: 'response.output_item.added', output_index: 0, item: { id: 'msg_echo', type: 'message', status: 'in_progress', role: 'assistant', content: [] } });
  send({ type: 'response.content_part.added', ...at, part: { type: 'output_text', text: '', annotations: [] } });
  const pieces = options.chunkChars ? (text.match(new RegExp(`[\\s\\S]{1,${options.chunkChars}}`, 'g')) ?? []) : text.split(/(?<=\s)/);
  for (const piece of pieces) {
    if (options.chunkDelayMs) await new Promise((r) => setTimeout(r, options.chunkDelayMs));
    if (res.destroyed) return;
    send({ type: 'response.output_text.delta', ...at, delta: piece, logprobs: [] });
  }
  send({ type: 'response.output_text.done', ...at, text, logprobs: [] });
  send({ type: 'response.content_part.done', ...at, part: { type: 'output_text', text, annotations: [] } });
  const done = responseObject(body, text, 'completed');
  send({ type: 'response.output_item.done', output_index: 0, item: done.output[0] });
  send({ type: 'response.completed', response: done });
  res.end();
}

/** `typedEvents`: each event gets an `event:` line with its type and there is no `[DONE]` (Anthropic, the Responses API). */
function scripted(res: ServerResponse, script: EchoScript, stream: boolean, typedEvents: boolean) {
  if (!stream || !script.events) return json(res, 200, script.json ?? {});
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  for (const event of script.events) {
    const type = typedEvents && event && typeof event === 'object' && 'type' in event ? `event: ${String(event.type)}\n` : '';
    res.write(`${type}data: ${JSON.stringify(event)}\n\n`);
  }
  res.end(typedEvents ? undefined : 'data: [DONE]\n\n');
}

function json(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function modelOf(body: string): string {
  try {
    return String((JSON.parse(body) as ChatBody).model ?? '');
  } catch {
    return '';
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
