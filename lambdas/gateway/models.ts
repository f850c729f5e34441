import { assertCanInvoke } from '../auth/access';
import type { Principal } from '../auth/principal';
import { modelAllowed } from '../inspect/policy';
import type { ChatProvider } from '../providers/types';
import { AirlockError } from '../shared/errors';
import { modelId } from './chat-request';
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

const MAX_NAMED = 20;

/**
 * An unknown model's 404, naming the models this caller may use, so the fix is in the answer.
 * Best effort: if the upstream cannot list its models, the error stays as it was. Only ids of the
 * plain model-id charset are named (they come from the upstream), at most MAX_NAMED of them.
 */
export async function modelNotFoundWithChoices(err: AirlockError, provider: ChatProvider, deps: GatewayDeps, principal: Principal, signal: AbortSignal): Promise<AirlockError> {
  if (err.code !== 'model_not_found') return err;
  try {
    const groupPolicy = assertCanInvoke(principal, deps.policy);
    const allowed = (await provider.listModels(signal)).filter((id) => modelId.safeParse(id).success && modelAllowed(groupPolicy, id));
    if (allowed.length === 0) return err;
    const named = allowed.slice(0, MAX_NAMED).join(', ') + (allowed.length > MAX_NAMED ? `, and ${allowed.length - MAX_NAMED} more` : '');
    return new AirlockError('model_not_found', `${err.message} Models you may use: ${named}.`, { param: err.param, headers: err.headers, cause: err });
  } catch {
    return err;
  }
}
