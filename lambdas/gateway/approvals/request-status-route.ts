import { notFound } from '../../shared/errors';
import type { GatewayRequest, ResponseSink } from '../http';
import type { GatewayDeps } from '../ports';

/** `GET /v1/airlock/requests/{id}`, answered by the approval gate (404 where no gate is configured). */
export async function requestStatusRoute(deps: GatewayDeps, req: GatewayRequest, sink: ResponseSink, params: Record<string, string>): Promise<void> {
  if (!deps.approvals?.requestStatus) throw notFound('The approval request');
  await deps.approvals.requestStatus(req, sink, params.id ?? '');
}
