import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mcpUpstreamClient } from '../../../lambdas/providers/mcp-upstream';

/**
 * The SDK client's deadline, seen from the upstream: what arrives once calls have finished. A
 * minimal JSON-RPC server on loopback (it records every method and connection), because the fault
 * is in what the client sends, which an SDK-built server would not show.
 */
describe('MCP upstream client deadline', () => {
  let server: Server;
  let url: string;
  const methods: string[] = [];
  const callSockets = new Set<unknown>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.method !== 'POST') return void res.writeHead(405).end();
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const message = JSON.parse(body) as { id?: number; method: string };
        methods.push(message.method);
        if (message.method === 'tools/call') callSockets.add(req.socket);
        if (message.id === undefined) return void res.writeHead(202, { 'content-length': '0' }).end();
        const result =
          message.method === 'initialize'
            ? { protocolVersion: '2025-11-25', capabilities: { tools: {} }, serverInfo: { name: 'deadline-test', version: '1' } }
            : { content: [{ type: 'text', text: 'ok' }] };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: message.id, result }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('cancels nothing that already finished, and sends the calls over one kept connection', async () => {
    const client = mcpUpstreamClient({ url, timeoutMs: 200 });
    for (let i = 0; i < 3; i++) expect(await client.callTool('echo', { i })).toEqual({ content: [{ type: 'text', text: 'ok' }] });
    // Past every call's deadline: a deadline that fired now would send notifications/cancelled.
    await new Promise((r) => setTimeout(r, 400));
    await client.close();

    expect(methods).toEqual(['initialize', 'notifications/initialized', 'tools/call', 'tools/call', 'tools/call']);
    expect(callSockets.size).toBe(1);
  });
});
