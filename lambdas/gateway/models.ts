import { assertCanInvoke } from '../auth/access';
import type { Principal } from '../auth/principal';
import { modelAllowed } from '../inspect/policy';
import type { ChatFormat } from '../inspect/types';
import { AirlockError } from '../shared/errors';
import { modelId } from './chat-request';
import { sendJson, type GatewayRequest, type ResponseSink } from './http';
import type { GatewayDeps } from './ports';
import { routerOf } from './upstream-router';

/**
 * `GET /v1/models`: the models of every upstream the caller's SDK can call, kept to what the
 * caller's policy allows. An Anthropic SDK (it sends `anthropic-version`) gets the Anthropic models
 * list of the upstreams answering Messages; any other caller the OpenAI list of those answering
 * Chat Completions.
 */
export async function listModels(deps: GatewayDeps, req: GatewayRequest, sink: ResponseSink): Promise<void> {
  const groupPolicy = assertCanInvoke(req.principal!, deps.policy);
  const format: ChatFormat = req.headers['anthropic-version'] ? 'anthropic' : 'openai';
  const ids = (await routerOf(deps).listModels(format, sink.signal)).filter((id) => modelAllowed(groupPolicy, id));
  if (format === 'anthropic') {
    const data = ids.map((id) => ({ type: 'model', id, display_name: id, created_at: EPOCH }));
    await sendJson(sink, 200, { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
    return;
  }
  await sendJson(sink, 200, { object: 'list', data: ids.map((id) => ({ id, object: 'model', created: 0, owned_by: 'airlock' })) });
}

/** Upstreams do not say when a model was created; the listing says "unknown" the way each format can. */
const EPOCH = '1970-01-01T00:00:00Z';

const MAX_NAMED = 20;

/**
 * An unknown model's 404, naming the models this caller may use, so the fix is in the answer.
 * Best effort: if the upstream cannot list its models, the error stays as it was. Only ids of the
 * plain model-id charset are named (they come from the upstream), at most MAX_NAMED of them.
 */
export async function modelNotFoundWithChoices(err: AirlockError, format: ChatFormat, deps: GatewayDeps, principal: Principal, signal: AbortSignal): Promise<AirlockError> {
  if (err.code !== 'model_not_found') return err;
  try {
    const groupPolicy = assertCanInvoke(principal, deps.policy);
    const allowed = (await routerOf(deps).listModels(format, signal)).filter((id) => modelId.safeParse(id).success && modelAllowed(groupPolicy, id));
    if (allowed.length === 0) return err;
    const named = allowed.slice(0, MAX_NAMED).join(', ') + (allowed.length > MAX_NAMED ? `, and ${allowed.length - MAX_NAMED} more` : '');
    return new AirlockError('model_not_found', `${err.message} Models you may use: ${named}.`, { param: err.param, headers: err.headers, cause: err });
  } catch {
    return err;
  }
}
