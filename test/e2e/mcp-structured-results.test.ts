import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import { luhnCardNumber } from '../../local/example-mcp-upstream';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process';

const EMAIL = 'olivia.novak42@proton.me';
// A card number as a JSON number, the way a numeric database column comes back.
const CARD = Number(luhnCardNumber());

/** An SDK-built CRM upstream whose tools declare output schemas and answer with personal data. */
async function startCrmUpstream(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const mcp = new McpServer({ name: 'crm', version: '1.0.0' });
    const answer = (structured: Record<string, unknown>) => ({ content: [{ type: 'text' as const, text: JSON.stringify(structured) }], structuredContent: structured });
    // Masking fits this schema: plain strings, and `card` may be anything.
    mcp.registerTool(
      'contact',
      { description: 'A customer contact.', outputSchema: { name: z.string(), email: z.string(), card: z.unknown() } },
      async () => answer({ name: 'Olivia Novak', email: EMAIL, card: CARD }),
    );
    // Masking cannot fit this one: `email` must be an e-mail address and `card` a number.
    mcp.registerTool(
      'profile',
      { description: 'A customer profile.', outputSchema: { name: z.string(), email: z.string().email(), card: z.number().int() } },
      async () => answer({ name: 'Olivia Novak', email: EMAIL, card: CARD }),
    );
    mcp.registerTool('summary', { description: 'Counts customers.', outputSchema: { customers: z.number().int() } }, async () => answer({ customers: 125_000 }));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => void mcp.close());
    await mcp.connect(transport);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    await transport.handleRequest(req, res, chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`,
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

const texts = (result: CallToolResult): string[] => result.content.map((c) => (c.type === 'text' ? c.text : ''));

describe('masked structured results still validate against the tool’s output schema (official SDK 1.x client)', () => {
  let crm: Awaited<ReturnType<typeof startCrmUpstream>>;
  let gateway: GatewayProcess;
  let client: Client;

  beforeAll(async () => {
    crm = await startCrmUpstream();
    gateway = await startGatewayProcess({
      AIRLOCK_MCP_EXAMPLE: 'off',
      AIRLOCK_MCP_UPSTREAMS: JSON.stringify([{ name: 'crm', url: crm.url, groups: ['llm-users'] }]),
    });
    client = new Client({ name: 'e2e-agent', version: '1.0.0' });
    const url = new URL(gateway.apiBaseUrl.replace(/\/v1$/, '/mcp'));
    await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers: { authorization: `Bearer ${await gateway.token('alice', ['llm-users'])}` } } }));
    // The client keeps each tool's output schema from this listing and checks every result against it.
    const tools = (await client.listTools()).tools;
    expect(tools.filter((t) => t.outputSchema).map((t) => t.name).sort()).toEqual(['crm.contact', 'crm.profile', 'crm.summary']);
  }, 90_000);

  afterAll(async () => {
    await client?.close().catch(() => undefined);
    await gateway?.stop();
    await crm?.close();
  });

  it('keeps a masked structured result that still fits its schema, a card number given as a number masked too', async () => {
    const result = (await client.callTool({ name: 'crm.contact', arguments: {} })) as CallToolResult;

    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ name: 'Olivia Novak', email: '[REDACTED:email]', card: '[REDACTED:payment_card]' });
    expect(JSON.stringify(result)).not.toContain(String(CARD));
  });

  it('sends a result whose masked form breaks its schema (format, number) as text only, saying why, and the client accepts it', async () => {
    const result = (await client.callTool({ name: 'crm.profile', arguments: {} })) as CallToolResult;

    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    expect(texts(result)[0]).toMatch(/no longer matches the tool's output schema \(.*email.*\).*The tool itself did not fail/);
    // The tool's own text content, masked.
    expect(texts(result)[1]).toMatch(/"email":"\[REDACTED:email\]".*"card":.?\[REDACTED:payment_card\]/);
    expect(JSON.stringify(result)).not.toContain(EMAIL);
    expect(JSON.stringify(result)).not.toContain(String(CARD));
  });

  it('passes a structured result with nothing to mask untouched (numbers that are not personal data stay numbers)', async () => {
    const result = (await client.callTool({ name: 'crm.summary', arguments: {} })) as CallToolResult;

    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ customers: 125_000 });
  });

  it('records the masked results only', async () => {
    const stored = await gateway.everythingStored();

    expect(stored).toContain('[REDACTED:payment_card]');
    expect(stored).not.toContain(EMAIL);
    expect(stored).not.toContain(String(CARD));
    expect(gateway.output()).not.toContain(String(CARD));
  });
});
