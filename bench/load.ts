import { Agent, request } from 'node:http';

/**
 * An open-loop load generator: requests start at a fixed rate whatever the latency of earlier
 * ones (as independent callers would send them), over a pool of keep-alive connections, and every
 * request's latency is recorded. Below saturation, latency then measures service time, not queueing
 * behind a fixed number of in-flight requests.
 */
export interface LoadOptions {
  url: string;
  /** The request body, or one made for each request (the i-th). */
  body: string | ((i: number) => string);
  headers: Record<string, string>;
  /** Requests per second. */
  rate: number;
  /** How many requests to send. */
  requests: number;
  /** Connection pool size (upper bound on requests in flight). */
  connections: number;
}

export interface LoadResult {
  latenciesMs: number[];
  /** Values of a response header, when asked for (e.g. the gateway's self-reported overhead). */
  headerValues: number[];
  /** Each answered request's latency less its header value (e.g. without the gateway's record write). */
  latenciesLessHeaderMs: number[];
  errors: number;
}

export async function runLoad(options: LoadOptions, headerName?: string): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const result: LoadResult = { latenciesMs: [], headerValues: [], latenciesLessHeaderMs: [], errors: 0 };
  const target = new URL(options.url);
  const bodyOf = (i: number): string => (typeof options.body === 'string' ? options.body : options.body(i));
  const one = (i: number) =>
    new Promise<void>((resolve) => {
      const body = bodyOf(i);
      const headers = { ...options.headers, 'content-length': String(Buffer.byteLength(body)) };
      const start = performance.now();
      const req = request({ agent, method: 'POST', hostname: target.hostname, port: target.port, path: target.pathname, headers }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) {
            const latency = performance.now() - start;
            result.latenciesMs.push(latency);
            const h = headerName ? Number(res.headers[headerName]) : NaN;
            if (Number.isFinite(h)) {
              result.headerValues.push(h);
              result.latenciesLessHeaderMs.push(latency - h);
            }
          } else result.errors++;
          resolve();
        });
      });
      req.on('error', () => {
        result.errors++;
        resolve();
      });
      req.end(body);
    });
  const inFlight: Promise<void>[] = [];
  const interval = 1000 / options.rate;
  const began = performance.now();
  for (let i = 0; i < options.requests; i++) {
    const due = began + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(one(i));
  }
  await Promise.all(inFlight);
  agent.destroy();
  return result;
}
