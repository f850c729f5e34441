import { createGatewayApp } from '../gateway/router';
import { readRuntimeConfig } from '../shared/config';
import { lambdaGatewayDeps } from './gateway-runtime';
import { lambdaRuntime } from './lambda-stream';
import { createProxyHandler } from './proxy-handler';

/** The proxy function: every `/v1/*` route, streamed back through API Gateway (transfer mode STREAM). */
const config = readRuntimeConfig();

export const handler = createProxyHandler(createGatewayApp(lambdaGatewayDeps(config)), lambdaRuntime(), config.AIRLOCK_MAX_BODY_BYTES);
