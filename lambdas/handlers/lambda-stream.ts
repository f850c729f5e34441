import type { Writable } from 'node:stream';
import type { ResponseSink } from '../gateway/http';

/**
 * The Lambda Node.js runtime's response-streaming API (a global, present only inside Lambda).
 * API Gateway REST invokes the function with InvokeWithResponseStream when the integration's
 * response transfer mode is STREAM.
 */
export interface LambdaStreamingRuntime {
  streamifyResponse<E>(handler: (event: E, responseStream: Writable, context: unknown) => Promise<void>): unknown;
  HttpResponseStream: { from(stream: Writable, metadata: { statusCode: number; headers: Record<string, string> }): Writable };
}

declare global {
  // eslint-disable-next-line no-var
  var awslambda: LambdaStreamingRuntime | undefined;
}

export function lambdaRuntime(): LambdaStreamingRuntime {
  if (!globalThis.awslambda) throw new Error('not running in the AWS Lambda Node.js runtime (awslambda global missing)');
  return globalThis.awslambda;
}

/** A ResponseSink over a Lambda response stream: metadata (status, headers) first, then the body. */
export function lambdaResponseSink(responseStream: Writable, runtime: LambdaStreamingRuntime): ResponseSink {
  const aborter = new AbortController();
  let body: Writable | undefined;
  responseStream.on('close', () => {
    if (!responseStream.writableFinished) aborter.abort(new Error('client disconnected'));
  });
  return {
    signal: aborter.signal,
    get started() {
      return body !== undefined;
    },
    start(status, headers) {
      body = runtime.HttpResponseStream.from(responseStream, { statusCode: status, headers });
    },
    async write(chunk) {
      if (!body) throw new Error('write before start');
      if (aborter.signal.aborted) throw new Error('client disconnected');
      if (!body.write(chunk)) {
        await new Promise<void>((resolve) => {
          const done = () => (body!.off('drain', done), aborter.signal.removeEventListener('abort', done), resolve());
          body!.once('drain', done);
          aborter.signal.addEventListener('abort', done, { once: true });
        });
      }
    },
    end() {
      return new Promise<void>((resolve) => {
        const target = body ?? responseStream;
        // A closed stream never calls end's callback: resolve, or the record would never be finished.
        if (target.writableEnded || target.destroyed || aborter.signal.aborted) return resolve();
        target.once('close', () => resolve());
        target.end(() => resolve());
      });
    },
  };
}
