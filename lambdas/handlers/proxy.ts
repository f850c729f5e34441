import type { Writable } from 'node:stream';
import { sendError } from '../gateway/http';
import { createGatewayApp } from '../gateway/router';
import { readRuntimeConfig } from '../shared/config';
import { toAirlockError } from '../shared/errors';
import { toGatewayRequest, type ApiGatewayProxyEvent } from './api-event';
import { lambdaGatewayDeps } from './gateway-runtime';
import { lambdaResponseSink, lambdaRuntime } from './lambda-stream';

/** The proxy function: every `/v1/*` route, streamed back through API Gateway (transfer mode STREAM). */
const config = readRuntimeConfig();
const app = createGatewayApp(lambdaGatewayDeps(config));
const runtime = lambdaRuntime();

export const handler = runtime.streamifyResponse(async (event: ApiGatewayProxyEvent, responseStream: Writable) => {
  const sink = lambdaResponseSink(responseStream, runtime);
  try {
    await app(toGatewayRequest(event, config.AIRLOCK_MAX_BODY_BYTES, performance.now()), sink);
  } catch (err) {
    await sendError(sink, toAirlockError(err));
  }
});
