import type { Writable } from 'node:stream';
import { sendError, sendJson, type GatewayRequest, type ResponseSink } from '../gateway/http';
import { toAirlockError, type AirlockError } from '../shared/errors';
import { toGatewayRequest, type ApiGatewayProxyEvent } from './api-event';
import { lambdaResponseSink, type LambdaStreamingRuntime } from './lambda-stream';

/** The streaming proxy handler around any gateway app: decode the event, run the app, stream the answer. */
export function createProxyHandler(
  app: (req: GatewayRequest, sink: ResponseSink) => Promise<void>,
  runtime: LambdaStreamingRuntime,
  maxBodyBytes: number,
  /** Renders an error raised before the app (body too large) in the app's own wire format (MCP: JSON-RPC). */
  renderError?: (err: AirlockError, headers: Record<string, string>) => { status: number; headers: Record<string, string>; body: unknown },
) {
  return runtime.streamifyResponse(async (event: ApiGatewayProxyEvent, responseStream: Writable) => {
    const receivedAt = performance.now();
    const sink = lambdaResponseSink(responseStream, runtime);
    try {
      await app(toGatewayRequest(event, maxBodyBytes, receivedAt), sink);
    } catch (thrown) {
      const err = toAirlockError(thrown);
      const rendered = renderError?.(err, lowerCaseHeaders(event.headers));
      if (rendered && !sink.started) await sendJson(sink, rendered.status, rendered.body, rendered.headers);
      else if (!sink.started) await sendError(sink, err);
      else await sink.end();
    }
  });
}

function lowerCaseHeaders(headers: ApiGatewayProxyEvent['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
}
