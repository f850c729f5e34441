import { assertCanInvoke } from '../auth/access';
import { modelAllowed } from '../inspect/policy';
import { sendJson, type GatewayRequest, type ResponseSink } from './http';
import type { GatewayDeps } from './ports';

/** `GET /v1/models`: the upstream's models, filtered by what the caller's policy allows. */
export async function listModels(deps: GatewayDeps, req: GatewayRequest, sink: ResponseSink): Promise<void> {
  const groupPolicy = assertCanInvoke(req.principal!, deps.policy);
  const models = await deps.provider.listModels(sink.signal);
  const data = models
    .filter((id) => modelAllowed(groupPolicy, id))
    .map((id) => ({ id, object: 'model', created: 0, owned_by: 'airlock' }));
  await sendJson(sink, 200, { object: 'list', data });
}
