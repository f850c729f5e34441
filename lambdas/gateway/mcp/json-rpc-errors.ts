import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';

/**
 * JSON-RPC error codes Airlock answers. The standard ones come from the SDK; the server-defined
 * range (-32000 … -32099) holds Airlock's own, kept stable for clients and for issue 11.
 */
export const MCP_ERRORS = {
  parseError: ErrorCode.ParseError,
  invalidRequest: ErrorCode.InvalidRequest,
  methodNotFound: ErrorCode.MethodNotFound,
  invalidParams: ErrorCode.InvalidParams,
  internalError: ErrorCode.InternalError,
  /** Same value as the SDK's RequestTimeout: the upstream stayed silent past the deadline. */
  upstreamTimeout: ErrorCode.RequestTimeout,
  /** The caller's groups may not use Airlock, or this upstream. */
  forbidden: -32003,
  /** The upstream is down, refused the connection or answered an HTTP error. */
  upstreamUnavailable: -32004,
  /** The session record could not be written: nothing was forwarded (fail closed). */
  recordUnavailable: -32005,
  /** The message is too large or nested too deeply to inspect. */
  messageTooLarge: -32006,
  /** A bearer token is missing or invalid. */
  unauthorized: -32007,
} as const;

export interface JsonRpcErrorBody {
  jsonrpc: '2.0';
  id: string | number | null;
  error: { code: number; message: string; data?: unknown };
}

export const jsonRpcError = (id: string | number | null, code: number, message: string, data?: unknown): JsonRpcErrorBody => ({
  jsonrpc: '2.0',
  id,
  error: { code, message, ...(data === undefined ? {} : { data }) },
});

/**
 * An error a request handler throws to answer a JSON-RPC error: the SDK sends its `code` and
 * `message` as they are (the SDK's McpError would prefix "MCP error <code>:" to the message).
 */
export class McpRpcError extends Error {
  override readonly name = 'McpRpcError';
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}
