import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Principal } from '../lambdas/auth/principal';
import type { GatewayRequest, ResponseSink } from '../lambdas/gateway/http';
import { sendError, sendJson } from '../lambdas/gateway/http';
import { AirlockError, payloadTooLarge, toAirlockError } from '../lambdas/shared/errors';
import { httpResponseSink } from './http-sink';

export type AppHandler = (req: GatewayRequest, sink: ResponseSink) => Promise<void>;

export interface LocalRoute {
  /** Paths starting with this prefix go to the handler. */
  prefix: string;
  /** Whether the route needs a bearer token (the caller API) or not (approval pages, health). */
  authenticated: boolean;
  handler: AppHandler;
  /** Renders errors raised before the handler (401, 413) when the route has its own wire format (MCP: JSON-RPC). */
  renderError?(err: AirlockError, headers: Record<string, string>): { status: number; headers: Record<string, string>; body: unknown };
}

export interface LocalServerOptions {
  port: number;
  host?: string;
  maxBodyBytes: number;
  /** Verifies the Authorization header; throws a 401 AirlockError when it is not acceptable. */
  authenticate(authorization: string | undefined): Promise<Principal>;
  routes: LocalRoute[];
}

/**
 * The local stand-in for API Gateway: finds the route, runs the same token verification the
 * Lambda authorizer runs, enforces the body limit, and hands the request to the same handlers.
 */
export async function startLocalServer(options: LocalServerOptions): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const server = createServer(async (incoming, res) => {
    const receivedAt = performance.now();
    const sink = httpResponseSink(res);
    let route: LocalRoute | undefined;
    try {
      const url = new URL(incoming.url ?? '/', 'http://localhost');
      route = options.routes.find((r) => url.pathname.startsWith(r.prefix));
      if (!route) throw new AirlockError(404, 'not_found_error', 'not_found', `No route for ${url.pathname.slice(0, 100)}.`);
      const principal = route.authenticated ? await options.authenticate(incoming.headers.authorization) : undefined;
      const body = await readBody(incoming, options.maxBodyBytes);
      const request: GatewayRequest = {
        method: incoming.method ?? 'GET',
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
      const rendered = route?.renderError?.(err, lowerCaseHeaders(incoming));
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
