import { invalidToken, methodNotAllowed, notFound, toAirlockError } from '../shared/errors';
import { errorForLog } from '../shared/logger';
import { chatCompletions } from './chat-completions';
import { sendError, type GatewayRequest, type ResponseSink } from './http';
import { listModels } from './models';
import type { GatewayDeps } from './ports';

type RouteHandler = (deps: GatewayDeps, req: GatewayRequest, sink: ResponseSink) => Promise<void>;

interface Route {
  path: string;
  methods: Record<string, RouteHandler>;
}

const ROUTES: Route[] = [
  { path: '/v1/chat/completions', methods: { POST: chatCompletions } },
  { path: '/v1/models', methods: { GET: listModels } },
];

/** The caller-facing API (`/v1/*`, bearer-authenticated), the same in Lambda and locally. */
export function createGatewayApp(deps: GatewayDeps): (req: GatewayRequest, sink: ResponseSink) => Promise<void> {
  return async (req, sink) => {
    try {
      const route = ROUTES.find((r) => r.path === req.path.replace(/\/+$/, ''));
      if (!route) throw notFound(`The route ${req.method} ${req.path.slice(0, 100)}`);
      const handler = route.methods[req.method.toUpperCase()];
      if (!handler) throw methodNotAllowed(req.method, req.path);
      if (!req.principal) throw invalidToken();
      await handler(deps, req, sink);
    } catch (thrown) {
      const err = toAirlockError(thrown);
      if (err.code === 'internal_error') deps.logger.error('unexpected error', { path: req.path.slice(0, 100), error: errorForLog(thrown) });
      if (!sink.started) await sendError(sink, err);
      else await sink.end().catch(() => undefined);
    }
  };
}
