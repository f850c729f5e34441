import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, ErrorCode, McpError, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { McpUpstreamError, type McpUpstreamClient } from '../gateway/mcp/upstreams';

export interface McpUpstreamOptions {
  url: string;
  /** Airlock's credential for this upstream (never the caller's token); undefined sends none. */
  credential?: () => Promise<{ header: string; value: string } | undefined>;
  /** One deadline per call, connecting included. */
  timeoutMs: number;
  clientInfo?: { name: string; version: string };
  /** Told of each request the upstream sent and Airlock refused (sampling, elicitation, roots): for the log. */
  onRefusedRequest?: (method: string) => void;
}

/**
 * What an upstream may ask of Airlock's client: nothing. The client declares no capability
 * (no `sampling`, no `elicitation`, no `roots`), and any request the upstream sends anyway
 * (`sampling/createMessage`, `elicitation/create`, `roots/list`, …) is answered with this JSON-RPC
 * error: a tool server must not steer the agent's model or question its user through the gateway.
 * Pings are still answered (the SDK's own handler).
 */
export const REFUSED_SERVER_REQUEST = ErrorCode.MethodNotFound;

/**
 * An upstream MCP server reached with the official SDK client over Streamable HTTP. The connected
 * client is kept between calls (it carries only Airlock's credential, nothing of a caller) and
 * dropped when the upstream fails, so the next call reconnects.
 */
export function mcpUpstreamClient(options: McpUpstreamOptions): McpUpstreamClient {
  let connected: Promise<Client> | undefined;
  const deadline = (signal?: AbortSignal) => (signal ? AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs)]) : AbortSignal.timeout(options.timeoutMs));

  const connect = (signal: AbortSignal): Promise<Client> => {
    connected ??= (async () => {
      const credential = await options.credential?.();
      const transport = new StreamableHTTPClientTransport(new URL(options.url), {
        requestInit: { headers: credential ? { [credential.header]: credential.value } : {} },
        // Every HTTP exchange is bounded too, so a silent upstream leaves no request hanging.
        fetch: (url, init) => fetch(url, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(options.timeoutMs)]) : AbortSignal.timeout(options.timeoutMs) }),
      });
      const client = new Client(options.clientInfo ?? { name: 'airlock', version: '0.1.0' }, { capabilities: {} });
      client.fallbackRequestHandler = async (request) => {
        options.onRefusedRequest?.(request.method);
        // A plain error with a code: the SDK answers its code and message as they are (McpError would prefix the message).
        throw Object.assign(new Error(`Airlock refuses ${request.method.slice(0, 64)} from MCP upstreams: the gateway offers no sampling, elicitation or roots to tool servers.`), { code: REFUSED_SERVER_REQUEST });
      };
      await client.connect(transport, { signal, timeout: options.timeoutMs });
      return client;
    })();
    connected.catch(() => (connected = undefined));
    return connected;
  };

  const run = async <T>(signal: AbortSignal | undefined, call: (client: Client, signal: AbortSignal) => Promise<T>): Promise<T> => {
    const bounded = deadline(signal);
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
    async callTool(name, args, signal) {
      return run(signal, async (client, s) => (await client.callTool({ name, arguments: args }, CallToolResultSchema, { signal: s, timeout: options.timeoutMs })) as CallToolResult);
    },
    async close() {
      const c = connected;
      connected = undefined;
      await c?.then((client) => client.close()).catch(() => undefined);
    },
  };
}

function classify(err: unknown, signal: AbortSignal): McpUpstreamError {
  if (err instanceof McpUpstreamError) return err;
  const timedOut = (signal.reason as { name?: string } | undefined)?.name === 'TimeoutError';
  if (err instanceof McpError) {
    if (err.code === ErrorCode.RequestTimeout || (timedOut && signal.aborted)) return new McpUpstreamError('timeout', 'the upstream did not answer in time', err.code, { cause: err });
    if (err.code === ErrorCode.ConnectionClosed) return new McpUpstreamError('unavailable', 'the upstream closed the connection', err.code, { cause: err });
    return new McpUpstreamError('rejected', err.message.replace(/^MCP error -?\d+: /, ''), err.code, { cause: err });
  }
  if (signal.aborted && timedOut) return new McpUpstreamError('timeout', 'the upstream did not answer in time', undefined, { cause: err });
  if (err instanceof StreamableHTTPError) return new McpUpstreamError('unavailable', `the upstream answered HTTP ${err.code ?? 'error'}`, undefined, { cause: err });
  return new McpUpstreamError('unavailable', 'the upstream could not be reached', undefined, { cause: err });
}
