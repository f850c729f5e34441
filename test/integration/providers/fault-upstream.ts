import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the upstream does with one request: answer it, or leave it hanging (`undefined`). */
export type Behaviour = (req: IncomingMessage, res: ServerResponse) => void;

export interface SeenRequest {
  at: number;
  /** Resolves when the gateway side closed or finished the request's connection use. */
  closed: Promise<void>;
  body: string;
}

/**
 * A scripted upstream on loopback for fault tests: each request takes the next behaviour from
 * `script` (the last one repeats). It records when each request arrived, when its response was
 * torn down, and how many TCP connections were opened.
 */
export interface FaultUpstream {
  url: string;
  script: Behaviour[];
  readonly seen: SeenRequest[];
  readonly connections: () => number;
  close(): Promise<void>;
}

export async function startFaultUpstream(): Promise<FaultUpstream> {
  let connections = 0;
  const state: FaultUpstream = {
    url: '',
    script: [],
    seen: [],
    connections: () => connections,
    close: async () => undefined,
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const closed = new Promise<void>((resolve) => res.once('close', () => resolve()));
      state.seen.push({ at: performance.now(), closed, body: Buffer.concat(chunks).toString('utf8') });
      const behaviour = state.script[Math.min(state.seen.length - 1, state.script.length - 1)];
      behaviour?.(req, res);
    });
  });
  server.on('connection', () => connections++);
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

export const answer =
  (status: number, body: unknown, headers: Record<string, string> = {}): Behaviour =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

export const silent: Behaviour = () => undefined;

export const completion = (content: string) =>
  answer(200, { id: 'c1', object: 'chat.completion', model: 'm', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] });

/** Streams `events` as SSE data lines, then `[DONE]`; with `hangAfter`, stops after that many and stays open. */
export const stream =
  (events: unknown[], hangAfter?: number): Behaviour =>
  (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const sent = hangAfter === undefined ? events : events.slice(0, hangAfter);
    for (const event of sent) res.write(`data: ${JSON.stringify(event)}\n\n`);
    if (hangAfter === undefined) res.end('data: [DONE]\n\n');
  };
