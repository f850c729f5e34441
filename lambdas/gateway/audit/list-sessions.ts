import { invalidRequest, forbidden } from '../../shared/errors';
import type { Principal } from '../../auth/principal';
import type { SessionFilter, SessionPage } from '../../store/types';
import { sendJson, type GatewayRequest, type ResponseSink } from '../http';
import type { GatewayDeps } from '../ports';
import { auditAccess } from './access';
import { auditQueries, auditStoreCall, type AuditDeps } from './audit-deps';
import { decisionParam, fromParam, pageParams, parseQuery, riskParam, statusParam, textParam, toParam } from './query-params';

const listParams = {
  ...pageParams,
  principal: textParam,
  issuer: textParam,
  group: textParam,
  client: textParam,
  model: textParam,
  decision: decisionParam,
  status: statusParam,
  from: fromParam,
  to: toParam,
  min_risk: riskParam,
};

/**
 * `GET /v1/airlock/sessions`: search the record, newest first, one page at a time. A requester's
 * search is pinned to their own issuer and sub; asking for someone else's is refused.
 */
export async function listSessions(deps: GatewayDeps, req: GatewayRequest, sink: ResponseSink): Promise<void> {
  const page = await searchSessions(deps, req.principal!, req.query);
  await sendJson(sink, 200, { object: 'list', data: page.items, next_cursor: page.nextCursor ?? null });
}

/** The search itself, for the API and the console alike: the query string's filters, checked. */
export async function searchSessions(deps: AuditDeps, principal: Principal, query: Record<string, string>): Promise<SessionPage> {
  const access = auditAccess(deps.policy, principal);
  const queries = auditQueries(deps);
  const params = parseQuery(query, listParams);
  if (params.from && params.to && params.from > params.to) throw invalidRequest('from must not be later than to.', 'from');

  const filter: SessionFilter = {
    principal: params.principal,
    issuer: params.issuer,
    group: params.group,
    client: params.client,
    model: params.model,
    decision: params.decision,
    status: params.status,
    from: params.from,
    to: params.to,
    minRisk: params.min_risk,
  };
  if (access.scope === 'own') {
    const foreign = (filter.principal !== undefined && filter.principal !== access.sub) || (filter.issuer !== undefined && filter.issuer !== access.issuer);
    if (foreign) throw forbidden("Reading another caller's sessions needs the auditors group.");
    filter.principal = access.sub;
    filter.issuer = access.issuer;
  }

  return auditStoreCall(() => queries.listSessions(withoutUndefined(filter), { limit: params.limit, ...(params.cursor ? { cursor: params.cursor } : {}) }));
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
