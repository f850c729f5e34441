import type { ServerResponse } from 'node:http';
import type { ResponseSink } from '../lambdas/gateway/http';

/** A ResponseSink over Node's ServerResponse, with backpressure and client-disconnect detection. */
export function httpResponseSink(res: ServerResponse): ResponseSink {
  const aborter = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) aborter.abort(new Error('client disconnected'));
  });
  return {
    signal: aborter.signal,
    get started() {
      return res.headersSent;
    },
    start(status, headers) {
      res.writeHead(status, headers);
      res.flushHeaders();
    },
    async write(chunk) {
      if (res.destroyed) throw new Error('client disconnected');
      if (!res.write(chunk)) {
        await new Promise<void>((resolve) => {
          const done = () => (res.off('drain', done), res.off('close', done), resolve());
          res.on('drain', done).on('close', done);
        });
      }
    },
    end() {
      return new Promise<void>((resolve) => {
        // After a disconnect Node never calls end's callback: resolve, or the record would never be finished.
        if (res.writableEnded || res.destroyed) return resolve();
        res.once('close', () => resolve());
        res.end(resolve);
      });
    },
  };
}
