import type { Writable } from 'node:stream';
import { sendError, type GatewayRequest, type ResponseSink } from '../gateway/http';
import { toAirlockError } from '../shared/errors';
import { toGatewayRequest, type ApiGatewayProxyEvent } from './api-event';
import { lambdaResponseSink, type LambdaStreamingRuntime } from './lambda-stream';

/** The streaming proxy handler around any gateway app: decode the event, run the app, stream the answer. */
export function createProxyHandler(
  app: (req: GatewayRequest, sink: ResponseSink) => Promise<void>,
  runtime: LambdaStreamingRuntime,
  maxBodyBytes: number,
) {
  return runtime.streamifyResponse(async (event: ApiGatewayProxyEvent, responseStream: Writable) => {
    const receivedAt = performance.now();
    const sink = lambdaResponseSink(responseStream, runtime);
    try {
      await app(toGatewayRequest(event, maxBodyBytes, receivedAt), sink);
    } catch (err) {
      if (!sink.started) await sendError(sink, toAirlockError(err));
      else await sink.end();
    }
  });
}
