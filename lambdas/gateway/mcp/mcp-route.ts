/**
 * `POST /mcp`: the MCP gateway on the official SDK. Chosen: `@modelcontextprotocol/sdk` 1.x (low-level
 * `Server` + `WebStandardStreamableHTTPServerTransport`), because it is what today's agents' clients
 * speak (2025-11-25, 2025-06-18), it is one package for server and upstream client, and its web-standard
 * transport is transport-agnostic (Lambda and the local server both hand it a `Request`). The 2.x
 * packages know 2026-07-28 but would bring a second protocol stack; the few 2026-07-28 specifics
 * (header checks, `server/discover`, no `initialize`) are handled in modern-revision.ts instead.
 *
 * Stateless: a Server and a transport are built per request, no session id is issued, so any
 * instance serves any request.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import {
  CallToolRequestSchema,
  GetTaskPayloadRequestSchema,
  GetTaskRequestSchema,
  InitializeRequestSchema,
  ListToolsRequestSchema,
  type ServerNotification,
} from '@modelcontextprotocol/sdk/types.js';
import { allowedUpstreamRequests } from '../../inspect/mcp-policy';
import { resolveGroupPolicy } from '../../inspect/policy';
import { errorForLog } from '../../shared/logger';
import { airlockHeaders, type GatewayRequest, type ResponseSink } from '../http';
import type { GatewayDeps } from '../ports';
import { jsonRpcError, MCP_ERRORS } from './json-rpc-errors';
import { discoverResult, MODERN_REVISION, modernHeaderMismatch, modernResult, SDK_REVISION } from './modern-revision';
import { guardedToolCall, type CallMeta, type ToolCallContext } from './tool-call';
import { createdTask, getTask, getTaskResult } from './tool-tasks';
import { listToolsFor } from './tool-list';
import { WAIT_TOOL } from './held-call-answers';
import { WAIT_TOOL_DEFINITION, waitToolCall } from './wait-tool';
import { answerOwner, deliverAnswers, isRelayAnswer, relayToAgent } from './agent-relay';
import { splitToolName } from './tool-names';
import { SCHEMA_VALIDATORS } from './schema-validators';
import type { UpstreamRequest } from './upstreams';

const SERVER_INFO = { name: 'airlock', version: '0.1.0' };
/** Deeper JSON than this is refused before anything walks it. */
export const MAX_MESSAGE_DEPTH = 32;
/** Headers the SDK transport reads; nothing else (the caller's Authorization above all) goes further. */
const FORWARDED_HEADERS = ['content-type', 'accept', 'mcp-protocol-version', 'last-event-id'];

type Id = string | number | null;

async function sendRpc(sink: ResponseSink, status: number, body: unknown, headers: Record<string, string> = {}): Promise<void> {
  sink.start(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  await sink.write(JSON.stringify(body));
  await sink.end();
}

export async function mcpPost(deps: GatewayDeps, req: GatewayRequest, sink: ResponseSink): Promise<void> {
  const mcp = deps.mcp;
  const principal = req.principal!;
  if (!mcp) return sendRpc(sink, 503, jsonRpcError(null, MCP_ERRORS.internalError, 'The MCP gateway is not configured.'));

  let message: unknown;
  try {
    message = JSON.parse(req.body);
  } catch {
    return sendRpc(sink, 400, jsonRpcError(null, MCP_ERRORS.parseError, 'Parse error: the body is not valid JSON.'));
  }
  if (depthExceeds(message, MAX_MESSAGE_DEPTH)) {
    return sendRpc(sink, 400, jsonRpcError(null, MCP_ERRORS.messageTooLarge, `The message is nested more than ${MAX_MESSAGE_DEPTH} levels deep.`));
  }
  const first = (Array.isArray(message) ? message[0] : message) as Record<string, unknown> | undefined;
  const id: Id = first && (typeof first.id === 'string' || typeof first.id === 'number') ? first.id : null;

  const groupPolicy = resolveGroupPolicy(deps.policy, principal.groups);
  if (!groupPolicy) {
    return sendRpc(sink, 403, jsonRpcError(id, MCP_ERRORS.forbidden, `Your token is valid, but none of your groups may use Airlock; access requires one of: ${deps.policy.access.groups.join(', ')}.`));
  }

  const headers: Record<string, string> = {};
  for (const name of FORWARDED_HEADERS) if (req.headers[name] !== undefined) headers[name] = req.headers[name]!;
  const modern = headers['mcp-protocol-version'] === MODERN_REVISION;
  if (modern) {
    if (!first || typeof first !== 'object' || Array.isArray(message)) {
      return sendRpc(sink, 400, jsonRpcError(id, MCP_ERRORS.invalidRequest, 'Invalid request: one JSON-RPC message per request with protocol version 2026-07-28.'));
    }
    const mismatch = modernHeaderMismatch(req.headers, first);
    if (mismatch) return sendRpc(sink, 400, jsonRpcError(id, MCP_ERRORS.invalidRequest, mismatch));
    if (first.method === 'server/discover') return sendRpc(sink, 200, { jsonrpc: '2.0', id, result: discoverResult(SERVER_INFO) });
    headers['mcp-protocol-version'] = SDK_REVISION;
  }

  // An agent's answer to a request relayed from an upstream (agent-relay.ts): handed to the call waiting for it.
  const posted = Array.isArray(message) ? message : [message];
  if (mcp.agentAnswers && posted.length && posted.every(isRelayAnswer)) {
    let delivered: boolean;
    try {
      delivered = await deliverAnswers(mcp.agentAnswers, answerOwner(principal), deps.inspectorFor(groupPolicy), posted);
    } catch (err) {
      deps.logger.error('mcp agent answer not delivered', { error: errorForLog(err) });
      return sendRpc(sink, 503, jsonRpcError(null, MCP_ERRORS.recordUnavailable, 'The answer could not be handed on; the request it answers will time out.'));
    }
    if (!delivered) return sendRpc(sink, 404, jsonRpcError(null, MCP_ERRORS.invalidRequest, 'No request of yours awaits this answer (it may have timed out).'));
    sink.start(202, { 'cache-control': 'no-store' });
    return sink.end();
  }

  const invalid = invalidParams(first);
  if (invalid) return sendRpc(sink, 200, jsonRpcError(id, MCP_ERRORS.invalidParams, invalid));

  const inspector = deps.inspectorFor(groupPolicy);
  let session: CallMeta | undefined;
  const pending: Promise<unknown>[] = [];
  // MCP tasks (tool-tasks.ts) where held calls exist to wait for; 2026-07-28 has its own form, not served.
  const reviews = modern ? undefined : mcp.reviews;
  const server = new Server(SERVER_INFO, { jsonSchemaValidator: SCHEMA_VALIDATORS, capabilities: { tools: { listChanged: false }, ...(reviews ? { tasks: { requests: { tools: { call: {} } } } } : {}) } });
  server.setRequestHandler(ListToolsRequestSchema, async () => {
    const tools = await listToolsFor(mcp, deps.policy, principal, inspector, deps.logger, deps, sink.signal);
    return {
      tools: [...(mcp.reviews ? [WAIT_TOOL_DEFINITION] : []), ...(reviews ? tools.map((t) => ({ ...t, execution: { taskSupport: 'optional' as const } })) : tools)],
    };
  });
  // Streamed (SSE) answers: a reviewed call held open for its approval with progress, when the client
  // sent a progressToken (not when it asked for a task: a task is answered at once and polled);
  // a call to an upstream the policy lets ask the agent (sampling, elicitation).
  const acceptsEvents = !modern && (headers.accept ?? '').includes('text/event-stream');
  const relaying = acceptsEvents && !!mcp.agentAnswers && relayAllowed(deps.policy, first);
  const asTask = !!reviews && taskRequested(first);
  const streamed = relaying || (acceptsEvents && !!mcp.reviews && !asTask && progressTokenOf(first) !== undefined);
  const requestBaseUrl = `${req.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`;
  const contextFor = (extra: { requestId: string | number; sendNotification: (n: ServerNotification) => Promise<void> }, progressToken?: string | number): ToolCallContext => {
    const progress =
      streamed && progressToken !== undefined
        ? (value: number, total: number, text: string) => extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress: value, total, message: text } })
        : undefined;
    return {
      deps, mcp, principal, groupPolicy, inspector, receivedAt: req.receivedAt, signal: sink.signal,
      onSession: (meta: CallMeta) => (session = meta),
      afterAnswer: (work: Promise<unknown>) => pending.push(work),
      waiting: { requestBaseUrl, ...(progress ? { progress } : {}) },
      ...(relaying
        ? {
            relayToAgent: (request: UpstreamRequest, signal: AbortSignal) =>
              relayToAgent(mcp.agentAnswers!, transport, extra.requestId, answerOwner(principal), request, AbortSignal.any([signal, sink.signal])),
          }
        : {}),
    };
  };
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const ctx = contextFor(extra, request.params._meta?.progressToken);
    const result =
      request.params.name === WAIT_TOOL && mcp.reviews ? await waitToolCall(ctx, request.params.arguments) : await guardedToolCall(ctx, request.params.name, request.params.arguments);
    return reviews && request.params.task ? createdTask(result, session?.sessionId, deps.clock.now()) : result;
  });
  if (reviews) {
    const tasks = { deps, reviews, principal };
    server.setRequestHandler(GetTaskRequestSchema, (request) => getTask(tasks, request.params.taskId));
    server.setRequestHandler(GetTaskPayloadRequestSchema, (request, extra) =>
      getTaskResult(tasks, request.params.taskId, (requestId) => waitToolCall(contextFor(extra), { request_id: requestId })),
    );
  }
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: !streamed });
  try {
    await server.connect(transport);
    const response = await transport.handleRequest(
      new Request(`http://airlock.internal${req.path}`, { method: 'POST', headers, body: req.body }),
      { parsedBody: message },
    );
    if (streamed && response.body && (response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
      await pipeEvents(response, sink, () => session);
      return;
    }
    let text = await response.text();
    if (modern && text && typeof first?.method === 'string') text = toModernAnswer(first.method, text);
    sink.start(response.status, {
      ...(text ? { 'content-type': response.headers.get('content-type') ?? 'application/json' } : {}),
      'cache-control': 'no-store',
      ...(session ? { ...airlockHeaders(session), 'x-airlock-record-ms': session.recordMs.toFixed(2) } : {}),
    });
    if (text) await sink.write(text);
    await sink.end();
  } catch (err) {
    deps.logger.error('mcp request failed', { error: errorForLog(err) });
    if (!sink.started) await sendRpc(sink, 500, jsonRpcError(id, MCP_ERRORS.internalError, 'Internal error.'));
    else await sink.end().catch(() => undefined);
  } finally {
    // The record is completed after the answer went out (SessionRecorder.finish never throws).
    await Promise.all(pending);
    await server.close().catch(() => undefined);
  }
}

/**
 * A streamed answer (progress notifications, then the result) passed on as the SDK writes it. The
 * status line waits for the first event, so the session's headers are known when it goes out.
 */
async function pipeEvents(response: Response, sink: ResponseSink, session: () => CallMeta | undefined): Promise<void> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let chunk = await reader.read();
  const meta = session();
  sink.start(response.status, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-store',
    ...(meta ? { ...airlockHeaders(meta), 'x-airlock-record-ms': meta.recordMs.toFixed(2) } : {}),
  });
  while (!chunk.done) {
    await sink.write(decoder.decode(chunk.value, { stream: true }));
    if (sink.signal.aborted) {
      await reader.cancel().catch(() => undefined);
      break;
    }
    chunk = await reader.read();
  }
  await sink.end();
}

/** A `tools/call` of an upstream the policy lets ask the agent something. */
function relayAllowed(policy: GatewayDeps['policy'], message: Record<string, unknown> | undefined): boolean {
  if (message?.method !== 'tools/call') return false;
  const name = (message.params as { name?: unknown } | undefined)?.name;
  const target = typeof name === 'string' ? splitToolName(name) : undefined;
  return !!target && allowedUpstreamRequests(policy.mcp, target.upstream).length > 0;
}

/** A `tools/call` that asks to become a task (`params.task`). */
function taskRequested(message: Record<string, unknown> | undefined): boolean {
  const task = (message?.params as { task?: unknown } | undefined)?.task;
  return message?.method === 'tools/call' && !!task && typeof task === 'object';
}

function progressTokenOf(message: Record<string, unknown> | undefined): unknown {
  if (message?.method !== 'tools/call') return undefined;
  const params = message.params as { _meta?: { progressToken?: unknown } } | undefined;
  const token = params?._meta?.progressToken;
  return typeof token === 'string' || typeof token === 'number' ? token : undefined;
}

/** The SDK's answer (a 2025-11-25 result) in its 2026-07-28 form. */
function toModernAnswer(method: string, text: string): string {
  const answer = JSON.parse(text) as { result?: Record<string, unknown> };
  if (!answer.result || typeof answer.result !== 'object') return text;
  return JSON.stringify({ ...answer, result: modernResult(method, answer.result) });
}

const REQUEST_SCHEMAS = {
  initialize: InitializeRequestSchema,
  'tools/list': ListToolsRequestSchema,
  'tools/call': CallToolRequestSchema,
  'tasks/get': GetTaskRequestSchema,
  'tasks/result': GetTaskPayloadRequestSchema,
} as const;

/**
 * The SDK 1.x server answers a request that fails its schema with -32603 (internal error); JSON-RPC
 * says -32602 (invalid params), so the methods Airlock serves are checked here first. The reason
 * names paths and expected types only, never values.
 */
function invalidParams(message: Record<string, unknown> | undefined): string | undefined {
  const method = message?.method;
  if (typeof method !== 'string' || !(method in REQUEST_SCHEMAS) || message?.id === undefined) return undefined;
  const parsed = REQUEST_SCHEMAS[method as keyof typeof REQUEST_SCHEMAS].safeParse(message);
  if (parsed.success) return undefined;
  const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(message)'}: ${i.code === 'invalid_type' ? `expected ${i.expected}` : i.code}`);
  return `Invalid params: ${issues.join('; ')}`;
}

/** `GET` (no server-initiated stream) and `DELETE` (no sessions to end) on `/mcp`. */
export async function mcpMethodNotAllowed(_deps: GatewayDeps, req: GatewayRequest, sink: ResponseSink): Promise<void> {
  await sendRpc(sink, 405, jsonRpcError(null, MCP_ERRORS.invalidRequest, `Method ${req.method.slice(0, 10)} is not allowed on /mcp: this server is stateless and answers POST only.`), { allow: 'POST' });
}

/** Whether a JSON value nests deeper than `max` (iterative: a deep value must not overflow the stack). */
export function depthExceeds(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    if (depth > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}
