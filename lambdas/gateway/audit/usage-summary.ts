import * as z from '../../shared/zod';
import { forbidden, invalidRequest } from '../../shared/errors';
import type { SessionFilter } from '../../store/types';
import { sendJson, type GatewayRequest, type ResponseSink } from '../http';
import type { GatewayDeps } from '../ports';
import { auditAccess } from './access';
import { auditQueries, auditStoreCall } from './audit-deps';
import { fromParam, parseQuery, textParam, toParam } from './query-params';

const usageParams = {
  principal: textParam,
  issuer: textParam,
  since: fromParam,
  until: toParam,
  cursor: z.optional(z.string().check(z.minLength(1, { error: 'must not be empty' }), z.maxLength(4096, { error: 'is too long' }))),
};

/** Sessions summed per answer; beyond that the answer carries a cursor to sum the rest. */
const SESSIONS_PER_ANSWER = 5_000;
const PAGE = 100;

/**
 * `GET /v1/airlock/usage?principal=<sub>&since=…`: one caller's sessions, tokens and cost (US
 * dollars, from the price table), summed over the byPrincipal index (never a scan). Auditors ask
 * for anyone; a caller gets their own. More than SESSIONS_PER_ANSWER sessions: `complete: false`
 * and a `next_cursor` whose answer sums the following ones.
 */
export async function usageSummary(deps: GatewayDeps, req: GatewayRequest, sink: ResponseSink): Promise<void> {
  const principal = req.principal!;
  const access = auditAccess(deps.policy, principal);
  const params = parseQuery(req.query, usageParams);
  if (params.since && params.until && params.since > params.until) throw invalidRequest('since must not be later than until.', 'since');
  const filter: SessionFilter = { principal: params.principal ?? (access.scope === 'own' ? access.sub : undefined) };
  if (filter.principal === undefined) throw invalidRequest("Query parameter 'principal' is required: the usage of one caller (their sub).", 'principal');
  if (params.issuer) filter.issuer = params.issuer;
  if (access.scope === 'own') {
    if (filter.principal !== access.sub || (filter.issuer !== undefined && filter.issuer !== access.issuer)) throw forbidden("Reading another caller's usage needs the auditors group.");
    filter.issuer = access.issuer;
  }
  if (params.since) filter.from = params.since;
  if (params.until) filter.to = params.until;

  const queries = auditQueries(deps);
  const totals = { sessions: 0, prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, cost_usd: 0, priced_sessions: 0 };
  const byModel = new Map<string, { sessions: number; total_tokens: number; cost_usd: number }>();
  let cursor = params.cursor;
  do {
    const page = await auditStoreCall(() => queries.listSessions(filter, { limit: PAGE, ...(cursor ? { cursor } : {}) }));
    for (const s of page.items) {
      const tokens = s.usage?.totalTokens ?? (s.usage?.promptTokens ?? 0) + (s.usage?.completionTokens ?? 0);
      totals.sessions++;
      totals.prompt_tokens += s.usage?.promptTokens ?? 0;
      totals.completion_tokens += s.usage?.completionTokens ?? 0;
      totals.total_tokens += tokens;
      if (s.costUsd !== undefined) {
        totals.cost_usd += s.costUsd;
        totals.priced_sessions++;
      }
      const model = byModel.get(s.model ?? '') ?? { sessions: 0, total_tokens: 0, cost_usd: 0 };
      model.sessions++;
      model.total_tokens += tokens;
      model.cost_usd += s.costUsd ?? 0;
      byModel.set(s.model ?? '', model);
    }
    cursor = page.nextCursor;
  } while (cursor && totals.sessions < SESSIONS_PER_ANSWER);

  const dollars = (n: number) => Math.round(n * 1_000_000) / 1_000_000;
  await sendJson(sink, 200, {
    object: 'airlock.usage',
    principal: filter.principal,
    ...(filter.issuer ? { issuer: filter.issuer } : {}),
    since: params.since ?? null,
    until: params.until ?? null,
    ...totals,
    cost_usd: dollars(totals.cost_usd),
    models: [...byModel.entries()].filter(([m]) => m).map(([model, m]) => ({ model, ...m, cost_usd: dollars(m.cost_usd) })),
    complete: cursor === undefined,
    next_cursor: cursor ?? null,
  });
}
