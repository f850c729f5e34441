import { invalidToken, methodNotAllowed, notFound, toAirlockError } from '../shared/errors';
import { errorForLog } from '../shared/logger';
import { requestStatusRoute } from './approvals/request-status-route';
import { approvalsInbox } from './audit/approvals-inbox';
import { getSession } from './audit/get-session';
import { listSessions } from './audit/list-sessions';
import { replaySession } from './audit/replay-session';
import { chatCompletions } from './chat-completions';
import { sendError, type GatewayRequest, type ResponseSink } from './http';
import { anthropicMessages } from './messages';
import { listModels } from './models';
import type { GatewayDeps } from './ports';

/** A use case behind a route; `params` holds the `{name}` segments of the route's path. */
export type RouteHandler = (deps: GatewayDeps, req: GatewayRequest, sink: ResponseSink, params: Record<string, string>) => Promise<void>;

export interface Route {
  /** e.g. `/v1/airlock/sessions/{id}/replay`; a `{name}` segment matches one path segment. */
  path: string;
  methods: Record<string, RouteHandler>;
}

/** The caller-facing API (`/v1/*`, bearer-authenticated): add a route here to serve it in Lambda and locally. */
export const CALLER_ROUTES: Route[] = [
  { path: '/v1/chat/completions', methods: { POST: chatCompletions } },
  { path: '/v1/messages', methods: { POST: anthropicMessages } },
  { path: '/v1/models', methods: { GET: listModels } },
  { path: '/v1/airlock/sessions', methods: { GET: listSessions } },
  { path: '/v1/airlock/sessions/{id}', methods: { GET: getSession } },
  { path: '/v1/airlock/sessions/{id}/replay', methods: { GET: replaySession } },
  { path: '/v1/airlock/approvals', methods: { GET: approvalsInbox } },
  { path: '/v1/airlock/requests/{id}', methods: { GET: requestStatusRoute } },
];

export function createGatewayApp(deps: GatewayDeps, routes: Route[] = CALLER_ROUTES): (req: GatewayRequest, sink: ResponseSink) => Promise<void> {
  const compiled = routes.map((route) => ({ route, pattern: compilePath(route.path) }));
  return async (req, sink) => {
    // Errors are logged with the route pattern, never the raw path: a path segment is caller input.
    let routePattern = 'unmatched';
    try {
      const path = req.path.length > 1 ? req.path.replace(/\/+$/, '') : req.path;
      let match: { route: Route; params: Record<string, string> } | undefined;
      for (const { route, pattern } of compiled) {
        const m = pattern.exec(path);
        if (m) {
          routePattern = route.path;
          match = { route, params: decodeParams(m.groups ?? {}) };
          break;
        }
      }
      if (!match) throw notFound(`The route ${req.method} ${req.path.slice(0, 100)}`);
      const handler = match.route.methods[req.method.toUpperCase()];
      if (!handler) throw methodNotAllowed(req.method, req.path);
      if (!req.principal) throw invalidToken();
      await handler(deps, req, sink, match.params);
    } catch (thrown) {
      const err = toAirlockError(thrown);
      if (err.code === 'internal_error') deps.logger.error('unexpected error', { method: req.method, route: routePattern, error: errorForLog(thrown) });
      if (!sink.started) await sendError(sink, err);
      else await sink.end().catch(() => undefined);
    }
  };
}

function compilePath(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      return param ? `(?<${param[1]}>[^/]+)` : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}$`);
}

function decodeParams(groups: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(groups)) {
    try {
      out[k] = decodeURIComponent(v);
    } catch {
      throw notFound('The resource');
    }
  }
  return out;
}
