import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  CreateMessageRequestSchema,
  CreateMessageResultSchema,
  ElicitRequestSchema,
  ElicitResultSchema,
  type CallToolResult,
  type CreateMessageRequest,
} from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process';

// Built at run time so the repository itself holds no key-shaped string.
const CANARY_AWS_KEY = ['AKIA', 'Z7Q3CANARY', 'R8T2WQ'].join('');
const EMAIL = 'olivia.novak42@proton.me';

const POLICY = `
version: 1
access:
  groups: [llm-users]
mcp:
  upstreams:
    research:
      allow: [sampling, elicitation]
`;

/**
 * A stateful SDK-built upstream (sessions, SSE answers: what server-to-client requests need) whose
 * tools ask the client during the call: `summarise` for a sampling, `confirm` for an elicitation.
 * It asks whatever the client declared, as a careless or hostile server would.
 */
async function startAskingUpstream(): Promise<{ url: string; answers: unknown[]; close(): Promise<void> }> {
  const answers: unknown[] = [];
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const mcpServer = () => {
    const mcp = new McpServer({ name: 'research', version: '1.0.0' });
    mcp.registerTool('summarise', { description: 'Summarises a text with the client’s model.', inputSchema: { text: z.string() } }, async ({ text }, extra) => {
      try {
        const sampled = await extra.sendRequest(
          { method: 'sampling/createMessage', params: { messages: [{ role: 'user', content: { type: 'text', text: `Summarise (key ${CANARY_AWS_KEY}): ${text}` } }], maxTokens: 100 } },
          CreateMessageResultSchema,
        );
        answers.push(sampled);
        return { content: [{ type: 'text', text: `summary: ${sampled.content.type === 'text' ? sampled.content.text : ''}` }] };
      } catch (err) {
        return { isError: true, content: [{ type: 'text', text: `sampling failed: ${(err as Error).message}` }] };
      }
    });
    mcp.registerTool('confirm', { description: 'Asks the user for a receipt address.' }, async (extra) => {
      try {
        const elicited = await extra.sendRequest(
          { method: 'elicitation/create', params: { message: 'Where should the receipt go?', requestedSchema: { type: 'object', properties: { email: { type: 'string' } } } } },
          ElicitResultSchema,
        );
        answers.push(elicited);
        return { content: [{ type: 'text', text: `receipt to ${String(elicited.content?.email)}` }] };
      } catch (err) {
        return { isError: true, content: [{ type: 'text', text: `elicitation failed: ${(err as Error).message}` }] };
      }
    });
    return mcp;
  };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : undefined;
    const sessionId = req.headers['mcp-session-id'];
    let transport = typeof sessionId === 'string' ? transports.get(sessionId) : undefined;
    if (!transport) {
      const created = new StreamableHTTPServerTransport({ sessionIdGenerator: randomUUID, onsessioninitialized: (id) => void transports.set(id, created) });
      await mcpServer().connect(created);
      transport = created;
    }
    await transport.handleRequest(req, res, body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`,
    answers,
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

const text = (result: unknown): string => ((result as CallToolResult).content ?? []).map((c) => (c.type === 'text' ? c.text : '')).join('\n');

describe('sampling and elicitation from upstreams: refused by default, relayed where the policy allows', () => {
  let upstream: Awaited<ReturnType<typeof startAskingUpstream>>;
  let gateway: GatewayProcess;
  let policyDir: string;
  let mcpUrl: string;
  let token: string;
  let agent: Client;
  const sampled: CreateMessageRequest['params'][] = [];
  const elicited: unknown[] = [];

  beforeAll(async () => {
    policyDir = await mkdtemp(join(tmpdir(), 'airlock-mcp-requests-'));
    await writeFile(join(policyDir, 'policy.yaml'), POLICY);
    upstream = await startAskingUpstream();
    gateway = await startGatewayProcess({
      AIRLOCK_POLICY: join(policyDir, 'policy.yaml'),
      AIRLOCK_MCP_EXAMPLE: 'off',
      AIRLOCK_MCP_UPSTREAMS: JSON.stringify([
        { name: 'research', url: upstream.url, groups: ['llm-users'] },
        { name: 'rogue', url: upstream.url, groups: ['llm-users'] },
      ]),
    });
    mcpUrl = gateway.apiBaseUrl.replace(/\/v1$/, '/mcp');
    token = await gateway.token('alice', ['llm-users']);
    // An agent that offers its model and its user, as Claude Code or Cursor do.
    agent = new Client({ name: 'e2e-agent', version: '1.0.0' }, { capabilities: { sampling: {}, elicitation: {} } });
    agent.setRequestHandler(CreateMessageRequestSchema, async (request) => {
      sampled.push(request.params);
      return { role: 'assistant', content: { type: 'text', text: `Short. Questions to ${EMAIL}` }, model: 'agent-model' };
    });
    agent.setRequestHandler(ElicitRequestSchema, async (request) => {
      elicited.push(request.params);
      return { action: 'accept', content: { email: EMAIL } };
    });
    await agent.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  }, 90_000);

  afterAll(async () => {
    await agent?.close().catch(() => undefined);
    await gateway?.stop();
    await upstream?.close();
    if (policyDir) await rm(policyDir, { recursive: true, force: true });
  });

  it('refuses a sampling request from an upstream the policy does not allow; the agent is never asked', async () => {
    const result = await agent.callTool({ name: 'rogue.summarise', arguments: { text: 'the quarterly report' } });

    expect(result.isError).toBe(true);
    expect(text(result)).toContain('Airlock refuses sampling/createMessage from MCP upstreams');
    expect(sampled).toEqual([]);
  });

  it('relays an allowed sampling request to the agent on the call’s stream, masked both ways', async () => {
    const result = await agent.callTool({ name: 'research.summarise', arguments: { text: 'the quarterly report' } });

    expect(result.isError).toBeFalsy();
    expect(text(result)).toBe('summary: Short. Questions to [REDACTED:email]');
    expect(sampled).toHaveLength(1);
    expect(JSON.stringify(sampled[0])).toContain('[REDACTED:aws_access_key_id]');
    expect(JSON.stringify(sampled[0])).not.toContain(CANARY_AWS_KEY);
    expect(JSON.stringify(upstream.answers)).not.toContain(EMAIL);
  });

  it('relays an allowed elicitation, the user’s answer masked before the upstream gets it', async () => {
    const result = await agent.callTool({ name: 'research.confirm', arguments: {} });

    expect(text(result)).toBe('receipt to [REDACTED:email]');
    expect(elicited).toEqual([expect.objectContaining({ message: 'Where should the receipt go?' })]);
  });

  it('refuses it where the agent’s call cannot carry it (2026-07-28: one JSON answer, no stream)', async () => {
    const res = await fetch(mcpUrl, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2026-07-28',
        'mcp-method': 'tools/call',
        'mcp-name': 'research.summarise',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'research.summarise', arguments: { text: 'x' } } }),
    });
    const answer = (await res.json()) as { result: CallToolResult };

    expect(answer.result.isError).toBe(true);
    expect(text(answer.result)).toMatch(/Airlock refuses sampling\/createMessage from MCP upstreams: only during a tool call whose agent takes streamed answers/);
    expect(sampled).toHaveLength(1);
  });

  it('answers a posted answer that no call awaits with 404, never handing it to anyone', async () => {
    const res = await fetch(mcpUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 'airlock-relay-00000000-0000-4000-8000-000000000000', result: { action: 'accept', content: {} } }),
    });

    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: -32600 } });
  });

  it('keeps secrets and personal data out of every record and log', async () => {
    const stored = await gateway.everythingStored();

    for (const value of [CANARY_AWS_KEY, EMAIL]) {
      expect(stored).not.toContain(value);
      expect(gateway.output()).not.toContain(value);
    }
    expect(gateway.output()).toContain('mcp upstream request relayed');
  });
});
