import { sendJson, type GatewayRequest, type ResponseSink } from './http';
import type { GatewayDeps } from './ports';

/**
 * `GET /health`: the process is up and serving. No token, no details (no version, no upstream,
 * no store state): a liveness probe must not tell an unauthenticated caller anything.
 */
export async function health(_deps: GatewayDeps, _req: GatewayRequest, sink: ResponseSink): Promise<void> {
  await sendJson(sink, 200, { status: 'ok' });
}
