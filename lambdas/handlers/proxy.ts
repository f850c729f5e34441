import { awsGatewayAdapters } from '../aws/adapters';
import { lambdaRuntime } from '../aws/lambda-stream';
import { createProxyHandler } from '../aws/proxy-handler';
import { composeGateway } from '../gateway/compose';
import { readConfig } from '../shared/config';

/** The proxy function: every caller route, streamed back through API Gateway (transfer mode STREAM). */
const config = readConfig('proxy');

export const handler = createProxyHandler(composeGateway(awsGatewayAdapters(config)).app, lambdaRuntime(), config.AIRLOCK_MAX_BODY_BYTES);
