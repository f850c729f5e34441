import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Principal } from '../lambdas/auth/principal';
import type { GatewayRequest, ResponseSink } from '../lambdas/gateway/http';
import { sendError, sendJson } from '../lambdas/gateway/http';
import { methodNotAllowed, routeNotFound, routeTable, ROUTES, type HttpMethod, type RouteSpec, type ServedBy } from '../lambdas/gateway/routes';
import { payloadTooLarge, toAirlockError, type AirlockError } from '../lambdas/shared/errors';
import { logSecurityEvent, tokenRefusal } from '../lambdas/auth/security-event';
import type { AirlockLogger } from '../lambdas/shared/logger';
import { httpResponseSink } from './http-sink';

export type AppHandler = (req: GatewayRequest, sink: ResponseSink) => Promise<void>;

/** A route only the local runtime has (the dev issuer's sign-in page). */
export interface LocalOnlyRoute {
  path: string;
  methods: HttpMethod[];
  handler: AppHandler;
}

export interface LocalServerOptions {
  port: number;
  host?: string;
  maxBodyBytes: number;
  /** Verifies the Authorization header; throws a 401 AirlockError when it is not acceptable. */
  authenticate(authorization: string | undefined): Promise<Principal>;
  /** Where refused tokens are logged as security events, as the Lambda authorizer logs them. */
  logger?: AirlockLogger;
  /** What serves the routes each function serves in AWS; here one process serves them all. */
  handlers: Partial<Record<ServedBy, AppHandler>>;
  /**
   * Renders errors raised before a handler (401, 413) for a function with its own wire format
   * (MCP: JSON-RPC with the RFC 9728 challenge), as its Lambda transport does.
   */
  renderErrors?: Partial<Record<ServedBy, (err: AirlockError, headers: Record<string, string>) => { status: number; headers: Record<string, string>; body: unknown }>>;
  localOnly?: LocalOnlyRoute[];
  /** The route table (default: every route of lambdas/gateway/routes.ts). */
  routes?: readonly RouteSpec[];
}

/**
 * The local stand-in for API Gateway: finds the route in the same route table the stack is built
 * from, runs the same token verification the Lambda authorizer runs on bearer routes, enforces the
 * body limit, and hands the request to the same handlers.
 */
export async function startLocalServer(options: LocalServerOptions): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const localOnly = (options.localOnly ?? []).flatMap((r) => r.methods.map((method) => ({ route: r, spec: { path: r.path, method, auth: 'none', why: 'local development only', servedBy: 'proxy', stream: false } as const })));
  const table = routeTable([...(options.routes ?? ROUTES), ...localOnly.map((l) => l.spec)]);
  const handlerFor = (spec: RouteSpec): AppHandler | undefined =>
    localOnly.find((l) => l.spec.path === spec.path && l.spec.method === spec.method)?.route.handler ?? options.handlers[spec.servedBy];
  const authenticate = async (incoming: IncomingMessage, route: string): Promise<Principal> => {
    try {
      return await options.authenticate(incoming.headers.authorization);
    } catch (thrown) {
      const err = toAirlockError(thrown);
      if (err.status === 401 && options.logger) {
        logSecurityEvent(options.logger, tokenRefusal(err, incoming.headers.authorization, { route, ...(incoming.socket.remoteAddress ? { sourceIp: incoming.socket.remoteAddress } : {}) }));
      }
      throw err;
    }
  };
  const server = createServer(async (incoming, res) => {
    const receivedAt = performance.now();
    const sink = httpResponseSink(res);
    let servedBy: ServedBy | undefined;
    try {
      const url = new URL(incoming.url ?? '/', 'http://localhost');
      const method = incoming.method ?? 'GET';
      const match = table.match(method, url.pathname);
      if ('error' in match) {
        throw match.error === 'not_found' ? routeNotFound(method, url.pathname, table) : methodNotAllowed(method, url.pathname, match.allowed);
      }
      servedBy = match.spec.servedBy;
      const handler = handlerFor(match.spec);
      // A runtime built without that function (a test serving only the caller API) has no such route.
      if (!handler) throw routeNotFound(method, url.pathname, table);
      const route = { authenticated: match.spec.auth === 'bearer', handler };
      const principal = route.authenticated ? await authenticate(incoming, match.spec.path) : undefined;
      const body = await readBody(incoming, options.maxBodyBytes);
      const request: GatewayRequest = {
        method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: lowerCaseHeaders(incoming),
        body,
        receivedAt,
        ...(principal ? { principal } : {}),
      };
      await route.handler(request, sink);
    } catch (thrown) {
      const err = toAirlockError(thrown);
      const rendered = servedBy ? options.renderErrors?.[servedBy]?.(err, lowerCaseHeaders(incoming)) : undefined;
      if (rendered && !sink.started) await sendJson(sink, rendered.status, rendered.body, rendered.headers);
      else if (!sink.started) await sendError(sink, err, err.status === 413 ? { connection: 'close' } : {});
      else await sink.end();
    }
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new Error(`port ${options.port} is already in use; stop what holds it or set AIRLOCK_PORT`) : err),
    );
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function lowerCaseHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** Reads the body, refusing it as soon as it exceeds the limit (without buffering the excess). */
async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw payloadTooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw payloadTooLarge(limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
