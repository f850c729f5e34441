import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { transportFetch } from '../../../lambdas/providers/transport-fetch';

/** The fetch the MCP upstream client uses, against a real HTTP server on loopback. */
describe('transportFetch', () => {
  let server: Server;
  let base: string;
  const sockets = new Set<unknown>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      sockets.add(req.socket);
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        if (req.url === '/json') {
          res.writeHead(200, { 'content-type': 'application/json', 'x-seen': String(req.headers['x-token']) });
          return res.end(JSON.stringify({ echo: body }));
        }
        if (req.url === '/events') {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.write('data: one\n\n');
          return void setTimeout(() => res.end('data: two\n\n'), 100);
        }
        if (req.url === '/moved') {
          res.writeHead(307, { location: 'http://elsewhere.invalid/mcp', 'content-length': '0' });
          return res.end();
        }
        if (req.url === '/accepted') {
          res.writeHead(202);
          return res.end();
        }
        // /silent-body: headers at once, then nothing.
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: first\n\n');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('sends method, headers and body, answers a Response, and keeps the connection for the next exchange', async () => {
    const send = transportFetch(5_000);
    sockets.clear();
    for (let i = 0; i < 3; i++) {
      const res = await send(`${base}/json`, { method: 'POST', headers: new Headers({ 'x-token': 'abc', 'content-type': 'application/json' }), body: `{"n":${i}}` });

      expect(res.status).toBe(200);
      expect(res.headers.get('x-seen')).toBe('abc');
      expect(await res.json()).toEqual({ echo: `{"n":${i}}` });
    }
    expect(sockets.size).toBe(1);
  });

  it('passes a stream on as it arrives', async () => {
    const res = await transportFetch(5_000)(`${base}/events`, { method: 'POST', body: '{}' });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    const chunks: string[] = [];
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) chunks.push(decoder.decode(chunk.value));

    // Two chunks, 100 ms apart: the first was handed on before the second was written.
    expect(chunks).toEqual(['data: one\n\n', 'data: two\n\n']);
  });

  it('answers a redirect as it is, without following it (the credential stays with the registered URL)', async () => {
    const res = await transportFetch(5_000)(`${base}/moved`, { method: 'POST', headers: { authorization: 'Bearer upstream-credential' }, body: '{}' });

    expect(res.status).toBe(307);
    expect(res.headers.get('location')).toBe('http://elsewhere.invalid/mcp');
  });

  it('answers a bodiless status with an empty body', async () => {
    const res = await transportFetch(5_000)(`${base}/accepted`, { method: 'POST', body: '{}' });

    expect(res.status).toBe(202);
    expect(await res.text()).toBe('');
  });

  it('ends an exchange whose body falls silent at the deadline, and one its signal aborts', async () => {
    const silent = await transportFetch(300)(`${base}/silent-body`, { method: 'POST', body: '{}' });
    await expect(silent.text()).rejects.toThrow();

    const controller = new AbortController();
    const aborted = await transportFetch(30_000)(`${base}/silent-body`, { method: 'POST', body: '{}', signal: controller.signal });
    const reading = aborted.text();
    controller.abort();
    await expect(reading).rejects.toThrow();
  });

  it('refuses a body that is not a string rather than sending something else', async () => {
    await expect(transportFetch(1_000)(`${base}/json`, { method: 'POST', body: new Uint8Array([1]) })).rejects.toThrow(TypeError);
  });
});
