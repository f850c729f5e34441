import { groupRefusal, logSecurityEvent, sourceIpOf } from '../auth/security-event';
import { internalError, invalidToken, notFound, toAirlockError } from '../shared/errors';
import { errorForLog } from '../shared/logger';
import { requestStatusRoute } from './approvals/request-status-route';
import { approvalsInbox } from './audit/approvals-inbox';
import { getSession } from './audit/get-session';
import { listSessions } from './audit/list-sessions';
import { replaySession } from './audit/replay-session';
import { usageSummary } from './audit/usage-summary';
import { chatCompletions } from './chat-completions';
import { countTokens } from './count-tokens';
import { embeddings } from './embeddings';
import { health } from './health';
import { sendError, type GatewayRequest, type ResponseSink } from './http';
import { anthropicMessages } from './messages';
import { listModels } from './models';
import type { GatewayDeps } from './ports';
import { responses } from './responses';
import { methodNotAllowed, routeNotFound, routeTable, ROUTES, type RouteSpec, type ServedBy } from './routes';

/** A use case behind a route; `params` holds the `{name}` segments of the route's path. */
export type RouteHandler = (deps: GatewayDeps, req: GatewayRequest, sink: ResponseSink, params: Record<string, string>) => Promise<void>;

/** The use case of every route the proxy function serves (routes.ts says which those are), by `METHOD path`. */
export const PROXY_USE_CASES: Record<string, RouteHandler> = {
  'POST /v1/chat/completions': chatCompletions,
  'POST /v1/messages': anthropicMessages,
  'POST /v1/messages/count_tokens': countTokens,
  'POST /v1/embeddings': embeddings,
  'POST /v1/responses': responses,
  'GET /v1/models': listModels,
  'GET /v1/airlock/sessions': listSessions,
  'GET /v1/airlock/sessions/{id}': getSession,
  'GET /v1/airlock/sessions/{id}/replay': replaySession,
  'GET /v1/airlock/approvals': approvalsInbox,
  'GET /v1/airlock/requests/{id}': requestStatusRoute,
  'GET /v1/airlock/usage': usageSummary,
  'GET /health': health,
};

export const routeKey = (spec: Pick<RouteSpec, 'method' | 'path'>): string => `${spec.method} ${spec.path}`;

/**
 * The app of one function (the proxy by default, or the MCP gateway with its use cases): matches
 * the route, checks that a bearer route has a principal, runs its use case, renders any error.
 */
export function createGatewayApp(
  deps: GatewayDeps,
  servedBy: ServedBy = 'proxy',
  useCases: Record<string, RouteHandler> = PROXY_USE_CASES,
  routes: readonly RouteSpec[] = ROUTES,
): (req: GatewayRequest, sink: ResponseSink) => Promise<void> {
  const served = routes.filter((r) => r.servedBy === servedBy);
  const missing = served.filter((r) => !useCases[routeKey(r)]);
  if (missing.length) throw new Error(`no use case for ${missing.map(routeKey).join(', ')}`);
  const table = routeTable(served);
  return async (req, sink) => {
    // Errors are logged with the route pattern, never the raw path: a path segment is caller input.
    let routePattern = 'unmatched';
    try {
      const match = table.match(req.method, req.path);
      if ('error' in match) {
        throw match.error === 'not_found' ? routeNotFound(req.method, req.path, table) : methodNotAllowed(req.method, req.path, match.allowed);
      }
      routePattern = match.spec.path;
      if (!match.params) throw notFound('The resource');
      if (match.spec.auth === 'bearer' && !req.principal) throw invalidToken();
      const useCase = useCases[routeKey(match.spec)];
      if (!useCase) throw internalError();
      await useCase(deps, req, sink, match.params);
    } catch (thrown) {
      const err = toAirlockError(thrown);
      if (err.code === 'internal_error') deps.logger.error('unexpected error', { method: req.method, route: routePattern, error: errorForLog(thrown) });
      if (err.code === 'forbidden') logSecurityEvent(deps.logger, groupRefusal(err.code, { issuer: req.principal?.issuer, sourceIp: sourceIpOf(req.headers), route: routePattern }));
      if (!sink.started) await sendError(sink, err);
      else await sink.end().catch(() => undefined);
    }
  };
}
