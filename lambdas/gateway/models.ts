import { modelAllowed, resolveGroupPolicy } from '../inspect/policy';
import { forbidden } from '../shared/errors';
import { sendJson, type GatewayRequest, type ResponseSink } from './http';
import type { GatewayDeps } from './ports';

/** `GET /v1/models`: the upstream's models, filtered by what the caller's policy allows. */
export async function listModels(deps: GatewayDeps, req: GatewayRequest, sink: ResponseSink): Promise<void> {
  const groupPolicy = resolveGroupPolicy(deps.policy, req.principal!.groups);
  if (!groupPolicy) throw forbidden('Your groups are not allowed to call the gateway.');
  const models = await deps.provider.listModels(sink.signal);
  const data = models
    .filter((id) => modelAllowed(groupPolicy, id))
    .map((id) => ({ id, object: 'model', created: 0, owned_by: 'airlock' }));
  await sendJson(sink, 200, { object: 'list', data });
}
