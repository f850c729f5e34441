import { AsyncLocalStorage } from 'node:async_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, ErrorCode, McpError, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { UpstreamRequestKind } from '../inspect/mcp-policy';
import { TransportTimeout } from './http-transport';
import { transportFetch } from './transport-fetch';
import { McpUpstreamError, type McpUpstreamClient, type OutgoingUpstreamMessage, type UpstreamCallContext, type UpstreamCredential } from '../gateway/mcp/upstreams';

export interface McpUpstreamOptions {
  url: string;
  /** Airlock's credential for this upstream (never the caller's token); undefined sends none. */
  credential?: () => Promise<{ header: string; value: string } | undefined>;
  /**
   * A credential made for each HTTP request from the message it carries (per-call tokens), instead
   * of `credential`. A `tools/call` without a call context is not sent.
   */
  messageCredential?: (message: OutgoingUpstreamMessage) => Promise<UpstreamCredential>;
  /** One deadline per call, connecting included. */
  timeoutMs: number;
  clientInfo?: { name: string; version: string };
  /** Told of each request the upstream sent and Airlock refused (sampling, elicitation, roots): for the log. */
  onRefusedRequest?: (method: string) => void;
  /**
   * What the policy lets this upstream ask of the agent (`mcp.upstreams.<name>.allow`): declared as
   * the client's capabilities, and relayed during a tool call whose context can carry it (`relay`).
   */
  allow?: readonly UpstreamRequestKind[];
}

/** The upstream requests that can be allowed, by method. */
const REQUEST_KINDS: Readonly<Record<string, UpstreamRequestKind>> = { 'sampling/createMessage': 'sampling', 'elicitation/create': 'elicitation' };

/**
 * What an upstream may ask of Airlock's client: by default nothing. The client declares no
 * capability (no `sampling`, no `elicitation`, no `roots`), and any request the upstream sends
 * anyway (`sampling/createMessage`, `elicitation/create`, `roots/list`, …) is answered with this
 * JSON-RPC error: a tool server must not steer the agent's model or question its user through the
 * gateway unless the policy allows it for that upstream (`allow`). Pings are still answered (the SDK's own handler).
 */
export const REFUSED_SERVER_REQUEST = ErrorCode.MethodNotFound;

/**
 * An upstream MCP server reached with the official SDK client over Streamable HTTP. The connected
 * client is kept between calls (it carries only Airlock's credential, nothing of a caller) and
 * dropped when the upstream fails, so the next call reconnects.
 */
export function mcpUpstreamClient(options: McpUpstreamOptions): McpUpstreamClient {
  let connected: Promise<Client> | undefined;
  // The call a request is sent for: the SDK client is shared, so the per-message credential finds
  // the caller of the tools/call it is signing here, in the async context of that call.
  const callInProgress = new AsyncLocalStorage<{ tool: string; context: UpstreamCallContext; signal: AbortSignal } | undefined>();
  const allowed = new Set(options.allow ?? []);
  // Every HTTP exchange is bounded too (transportFetch), so a silent upstream leaves no request hanging.
  const send = transportFetch(options.timeoutMs);
  const withMessageCredential = async (init: RequestInit | undefined): Promise<RequestInit | undefined> => {
    if (!options.messageCredential) return init;
    const message = outgoingMessage(init?.body, callInProgress.getStore());
    let credential: UpstreamCredential;
    try {
      credential = await options.messageCredential(message);
    } catch (err) {
      throw new McpUpstreamError('unavailable', 'the per-call token for the upstream could not be made', undefined, { cause: err });
    }
    const headers = new Headers(init?.headers);
    headers.set(credential.header, credential.value);
    return { ...init, headers };
  };

  const connect = (signal: AbortSignal): Promise<Client> => {
    // Outside any call's context: the connection (and its standalone SSE stream) belongs to no caller.
    connected ??= callInProgress.exit(async () => {
      const credential = await options.credential?.();
      const transport = new StreamableHTTPClientTransport(new URL(options.url), {
        requestInit: { headers: credential ? { [credential.header]: credential.value } : {} },
        fetch: async (url, init) => send(url, await withMessageCredential(init)),
      });
      const capabilities = { ...(allowed.has('sampling') ? { sampling: {} } : {}), ...(allowed.has('elicitation') ? { elicitation: {} } : {}) };
      const client = new Client(options.clientInfo ?? { name: 'airlock', version: '0.1.0' }, { capabilities });
      client.fallbackRequestHandler = async (request, extra) => {
        const kind = REQUEST_KINDS[request.method];
        // A request sent on a tool call's own response stream runs in that call's context.
        const call = callInProgress.getStore();
        if (kind && allowed.has(kind) && call?.context.relay) {
          return call.context.relay({ method: request.method, ...(request.params ? { params: request.params } : {}) }, AbortSignal.any([extra.signal, call.signal]));
        }
        options.onRefusedRequest?.(request.method);
        const why =
          kind && allowed.has(kind)
            ? `only during a tool call whose agent takes streamed answers (${call ? 'this one does not' : 'this request came outside any call'})`
            : allowed.size
              ? `the policy allows this upstream ${[...allowed].join(' and ')} only`
              : 'the gateway offers no sampling, elicitation or roots to tool servers';
        // A plain error with a code: the SDK answers its code and message as they are (McpError would prefix the message).
        throw Object.assign(new Error(`Airlock refuses ${request.method.slice(0, 64)} from MCP upstreams: ${why}.`), { code: REFUSED_SERVER_REQUEST });
      };
      await client.connect(transport, { signal, timeout: options.timeoutMs });
      return client;
    });
    connected.catch(() => (connected = undefined));
    return connected;
  };

  const run = async <T>(signal: AbortSignal | undefined, call: (client: Client, signal: AbortSignal) => Promise<T>): Promise<T> => {
    const deadline = callDeadline(signal, options.timeoutMs);
    const bounded = deadline.signal;
    try {
      return await call(await connect(bounded), bounded);
    } catch (err) {
      const failure = classify(err, bounded);
      if (failure.kind !== 'rejected') {
        const stale = connected;
        connected = undefined;
        void stale?.then((c) => c.close()).catch(() => undefined);
      }
      throw failure;
    } finally {
      deadline.done();
    }
  };

  return {
    async listTools(signal) {
      return run(signal, async (client, s) => {
        const tools: Tool[] = [];
        let cursor: string | undefined;
        do {
          const page = await client.listTools(cursor ? { cursor } : {}, { signal: s, timeout: options.timeoutMs });
          tools.push(...page.tools);
          cursor = page.nextCursor;
        } while (cursor && tools.length < 10_000);
        return tools;
      });
    },
    async callTool(name, args, signal, call) {
      return run(signal, (client, s) =>
        callInProgress.run(call ? { tool: name, context: call, signal: s } : undefined, async () =>
          (await client.callTool({ name, arguments: args }, CallToolResultSchema, { signal: s, timeout: options.timeoutMs })) as CallToolResult,
        ),
      );
    },
    async close() {
      const c = connected;
      connected = undefined;
      await c?.then((client) => client.close()).catch(() => undefined);
    },
  };
}

/**
 * What a request body carries: its JSON-RPC method and, for a `tools/call`, the tool and the
 * arguments as serialised (what the upstream will hash). A `tools/call` for another tool than
 * the call in progress, or outside any call, is refused: it would be signed for the wrong caller.
 */
function outgoingMessage(body: unknown, inProgress: { tool: string; context: UpstreamCallContext; signal: AbortSignal } | undefined): OutgoingUpstreamMessage {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'string') throw new McpUpstreamError('unavailable', 'an upstream request body could not be read for its per-call token');
  const message = JSON.parse(body) as { method?: unknown; params?: { name?: unknown; arguments?: unknown } };
  if (Array.isArray(message)) throw new McpUpstreamError('unavailable', 'batched upstream requests get no per-call token');
  const method = typeof message.method === 'string' ? message.method : undefined;
  if (method !== 'tools/call') return method !== undefined ? { method } : {};
  const tool = message.params?.name;
  if (!inProgress || tool !== inProgress.tool) throw new McpUpstreamError('unavailable', 'a tool call without its caller gets no per-call token');
  return { method, call: { tool, arguments: message.params?.arguments ?? {}, context: inProgress.context } };
}

function classify(err: unknown, signal: AbortSignal): McpUpstreamError {
  if (err instanceof McpUpstreamError) return err;
  const timedOut = (signal.reason as { name?: string } | undefined)?.name === 'TimeoutError';
  if (err instanceof McpError) {
    if (err.code === ErrorCode.RequestTimeout || (timedOut && signal.aborted)) return new McpUpstreamError('timeout', 'the upstream did not answer in time', err.code, { cause: err });
    if (err.code === ErrorCode.ConnectionClosed) return new McpUpstreamError('unavailable', 'the upstream closed the connection', err.code, { cause: err });
    return new McpUpstreamError('rejected', err.message.replace(/^MCP error -?\d+: /, ''), err.code, { cause: err });
  }
  if ((signal.aborted && timedOut) || isTransportTimeout(err)) return new McpUpstreamError('timeout', 'the upstream did not answer in time', undefined, { cause: err });
  if (err instanceof StreamableHTTPError) return new McpUpstreamError('unavailable', `the upstream answered HTTP ${err.code ?? 'error'}`, undefined, { cause: err });
  return new McpUpstreamError('unavailable', 'the upstream could not be reached', undefined, { cause: err });
}

/** The HTTP exchange's own limit (transportFetch), however deep the SDK wrapped it. */
function isTransportTimeout(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) if (e instanceof TransportTimeout) return true;
  return false;
}

/**
 * A call's signal: aborted when the caller's signal aborts or `ms` pass, and never after `done()`.
 * Not `AbortSignal.any([signal, AbortSignal.timeout(ms)])`: the SDK never removes its abort
 * listener, so that signal firing after the call had ended sent the upstream a
 * `notifications/cancelled` for every finished request (and its 202 cost a fresh connection).
 */
function callDeadline(signal: AbortSignal | undefined, ms: number): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal?.reason);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError')), ms);
  return {
    signal: controller.signal,
    done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    },
  };
}
