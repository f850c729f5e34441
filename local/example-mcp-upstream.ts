import { randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DatabaseSync } from 'node:sqlite';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import * as z from 'zod';
import { callTokenVerifier, CallTokenRefused, type CallTokenClaims, type CallTokenVerifierOptions, type ReceivedMessage } from './call-token-verifier';

/**
 * The example upstream MCP server `npm start` registers as `db`: the official SDK over an in-memory
 * SQLite database (node:sqlite) with a seeded `customers` table of fake people (names, e-mails on
 * ordinary domains, Luhn-valid card numbers made at start). It runs SQL as told: guarding it is
 * Airlock's job. It requires the bearer credential it is started with, as a real one would, or,
 * started with `callTokens`, a valid per-call token from Airlock on every request (call-token-verifier.ts).
 */
export interface ExampleMcpUpstream {
  url: string;
  /** The static credential callers must send (Airlock holds it); undefined when it verifies per-call tokens. */
  token: string | undefined;
  /** Every SQL text received, in order (what the upstream really saw). */
  readonly received: string[];
  /** The claims of the per-call tokens it accepted, in order (the last thousand). */
  readonly verifiedTokens: CallTokenClaims[];
  db: DatabaseSync;
  close(): Promise<void>;
}

export interface ExampleMcpUpstreamOptions {
  port?: number;
  /** The static credential required. */
  token?: string;
  /** Instead: per-call tokens verified against Airlock's JWKS URL; `aud` must be this upstream's URL unless `audience` says otherwise. */
  callTokens?: Omit<CallTokenVerifierOptions, 'audience'> & { audience?: () => string };
  rows?: number;
  /** Called with each SQL text received. */
  onSql?: (sql: string) => void;
}

const FIRST = ['Emma', 'Liam', 'Olivia', 'Noah', 'Ava', 'Lucas', 'Mia', 'Ethan', 'Sofia', 'Mateo', 'Chloe', 'Daniel', 'Hannah', 'Samuel', 'Grace', 'Leo', 'Amelia', 'Oscar', 'Isla', 'Jonas'];
const LAST = ['Schneider', 'Martin', 'Johnson', 'García', 'Rossi', 'Dubois', 'Novak', 'Andersson', 'Kowalski', 'Murphy', 'Silva', 'Jensen', 'Brown', 'Moreau', 'Fischer', 'Walsh', 'Costa', 'Meyer'];
const DOMAINS = ['gmail.com', 'outlook.com', 'yahoo.com', 'proton.me', 'icloud.com', 'gmx.de', 'web.de', 'hotmail.co.uk'];
const CITIES = ['Berlin', 'Lyon', 'Dublin', 'Porto', 'Malmö', 'Kraków', 'Leeds', 'Bologna'];

const MAX_KEPT_CLAIMS = 1000;

const pick = <T>(list: readonly T[]): T => list[randomInt(list.length)]!;

/** A 16-digit Visa-style number whose last digit makes the Luhn sum a multiple of 10. */
export function luhnCardNumber(): string {
  const digits = [4, ...Array.from({ length: 14 }, () => randomInt(10))];
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    // From the right, once the check digit is appended, every second digit is doubled.
    let d = digits[digits.length - 1 - i]!;
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return [...digits, (10 - (sum % 10)) % 10].join('');
}

function seed(db: DatabaseSync, rows: number): void {
  db.exec('CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, card_number TEXT NOT NULL, city TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO customers (name, email, card_number, city) VALUES (?, ?, ?, ?)');
  for (let i = 0; i < rows; i++) {
    const [first, last] = [pick(FIRST), pick(LAST)];
    const local = `${first}.${last}`.toLowerCase().normalize('NFD').replace(/[^a-z.]/g, '');
    insert.run(`${first} ${last}`, `${local}${randomInt(100)}@${pick(DOMAINS)}`, luhnCardNumber(), pick(CITIES));
  }
}

function mcpServerFor(db: DatabaseSync, received: string[], onSql?: (sql: string) => void): McpServer {
  const server = new McpServer({ name: 'example-sqlite', version: '0.1.0' });
  server.registerTool(
    'run_sql',
    {
      description: 'Runs one SQL statement on the customers database and returns the rows.',
      inputSchema: { sql: z.string().describe('The SQL statement') },
      outputSchema: { rows: z.array(z.record(z.string(), z.unknown())) },
    },
    async ({ sql }) => {
      received.push(sql);
      onSql?.(sql);
      try {
        const statement = db.prepare(sql);
        const rows = (statement.columns().length ? statement.all() : (statement.run(), [])) as Record<string, unknown>[];
        return { content: [{ type: 'text', text: JSON.stringify(rows) }], structuredContent: { rows } };
      } catch (err) {
        return { isError: true, content: [{ type: 'text', text: `SQL error: ${(err as Error).message}` }] };
      }
    },
  );
  server.registerTool('list_tables', { description: 'Lists the tables of the database.' }, async () => {
    const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
    return { content: [{ type: 'text', text: JSON.stringify(rows) }] };
  });
  return server;
}

export async function startExampleMcpUpstream(options: ExampleMcpUpstreamOptions): Promise<ExampleMcpUpstream> {
  const db = new DatabaseSync(':memory:');
  seed(db, options.rows ?? 25);
  const received: string[] = [];
  const verifiedTokens: CallTokenClaims[] = [];
  if (!options.token && !options.callTokens) throw new Error('the example MCP upstream needs a credential to require: token or callTokens');
  let url = '';
  const verifier = options.callTokens && callTokenVerifier({ ...options.callTokens, audience: options.callTokens.audience ?? (() => url) });
  const unauthorized = (res: ServerResponse, reason: string, id: unknown = null) =>
    res
      .writeHead(401, { 'content-type': 'application/json', 'www-authenticate': `Bearer error="invalid_token", error_description="${reason}"` })
      .end(JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32001, message: `Unauthorized: ${reason}` } }));

  const server: Server = createServer(async (req, res) => {
    if (!verifier && req.headers.authorization !== `Bearer ${options.token}`) {
      unauthorized(res, 'a valid bearer credential is required');
      return;
    }
    const body = req.method === 'POST' ? await readJson(req) : undefined;
    if (verifier) {
      const message = body !== undefined && typeof body === 'object' && !Array.isArray(body) ? (body as ReceivedMessage & { id?: unknown }) : undefined;
      try {
        verifiedTokens.push(await verifier.verify(req.headers.authorization, message));
        if (verifiedTokens.length > MAX_KEPT_CLAIMS) verifiedTokens.shift();
      } catch (err) {
        unauthorized(res, err instanceof CallTokenRefused ? err.message : 'the token could not be verified', message?.id ?? null);
        return;
      }
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    // Stateless: a server and transport per request, as the SDK's stateless example does.
    const mcp = mcpServerFor(db, received, options.onSql);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void mcp.close();
    });
    if (body === undefined) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } }));
      return;
    }
    try {
      await mcp.connect(transport);
      await transport.handleRequest(req, res, body);
    } catch {
      if (!res.headersSent) res.writeHead(500).end();
    }
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  url = `http://127.0.0.1:${port}/mcp`;
  return {
    url,
    token: options.token,
    received,
    verifiedTokens,
    db,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          db.close();
          resolve();
        });
      }),
  };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}
