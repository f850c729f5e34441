import { Agent, request } from 'node:http';

/**
 * A small closed-loop load generator: `concurrency` workers each send requests back to back over
 * keep-alive connections, and every request's latency is recorded.
 */
export interface LoadOptions {
  url: string;
  body: string;
  headers: Record<string, string>;
  requests: number;
  concurrency: number;
}

export interface LoadResult {
  latenciesMs: number[];
  /** Values of a response header, when asked for (e.g. the gateway's self-reported overhead). */
  headerValues: number[];
  errors: number;
}

export async function runLoad(options: LoadOptions, headerName?: string): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const result: LoadResult = { latenciesMs: [], headerValues: [], errors: 0 };
  let remaining = options.requests;
  const target = new URL(options.url);
  const one = () =>
    new Promise<void>((resolve) => {
      const start = performance.now();
      const req = request(
        { agent, method: 'POST', hostname: target.hostname, port: target.port, path: target.pathname, headers: { ...options.headers, 'content-length': Buffer.byteLength(options.body) } },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 200) {
              result.latenciesMs.push(performance.now() - start);
              const h = headerName ? Number(res.headers[headerName]) : NaN;
              if (Number.isFinite(h)) result.headerValues.push(h);
            } else result.errors++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        result.errors++;
        resolve();
      });
      req.end(options.body);
    });
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (remaining-- > 0) await one();
    }),
  );
  agent.destroy();
  return result;
}
