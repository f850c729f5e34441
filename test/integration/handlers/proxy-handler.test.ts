import { readFileSync } from 'node:fs';
import { PassThrough, type Writable } from 'node:stream';
import { ulid } from 'ulid';
import { principalToAuthorizerContext } from '../../../lambdas/auth/authorizer-context';
import { cachedInspectorFactory } from '../../../lambdas/gateway/inspector-cache';
import { systemClock } from '../../../lambdas/gateway/ports';
import { createGatewayApp } from '../../../lambdas/gateway/router';
import type { ApiGatewayProxyEvent } from '../../../lambdas/aws/api-event';
import type { LambdaStreamingRuntime } from '../../../lambdas/aws/lambda-stream';
import { createProxyHandler } from '../../../lambdas/aws/proxy-handler';
import { createInspector } from '../../../lambdas/inspect';
import { parsePolicy } from '../../../lambdas/inspect/policy-yaml';
import { OpenAICompatibleProvider } from '../../../lambdas/providers/openai-compatible';
import { startEchoUpstream, type EchoUpstream } from '../../../local/echo-upstream';
import { startEmbeddedStores, type EmbeddedStores } from '../../../local/embedded-stores';

/**
 * The Lambda runtime's response-streaming contract, which cannot run here: `HttpResponseStream.from`
 * writes the JSON metadata and eight NUL bytes before the body, as the Node.js runtime does.
 */
const PRELUDE_DELIMITER = '\u0000'.repeat(8);
const lambdaRuntimeStandIn: LambdaStreamingRuntime = {
  streamifyResponse: (fn) => fn,
  HttpResponseStream: {
    from(stream: Writable, metadata) {
      stream.write(JSON.stringify(metadata) + PRELUDE_DELIMITER);
      return stream;
    },
  },
};

type Handler = (event: ApiGatewayProxyEvent, stream: Writable, context: unknown) => Promise<void>;
const CANARY = ['AKIA', 'L4MBDACANARY', '77QQ'].join('');

describe('proxy Lambda handler (API Gateway REST event, response streaming)', () => {
  let upstream: EchoUpstream;
  let stores: EmbeddedStores;
  let handler: Handler;

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    stores = await startEmbeddedStores();
    const app = createGatewayApp({
      policy: parsePolicy(readFileSync('airlock.policy.yaml', 'utf8')),
      inspectorFor: cachedInspectorFactory(createInspector),
      provider: new OpenAICompatibleProvider({ baseUrl: upstream.url, apiKey: async () => 'k', timeoutMs: 2000, retries: 0 }),
      sessions: stores.sessions,
      transcripts: stores.transcripts,
      logger: { info() {}, warn() {}, error() {}, debug() {} },
      clock: systemClock,
      newId: ulid,
    });
    handler = createProxyHandler(app, lambdaRuntimeStandIn, 4096) as Handler;
  });

  afterAll(async () => {
    await stores?.close();
    await upstream?.close();
  });

  async function invoke(event: Partial<ApiGatewayProxyEvent>) {
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    await handler({ httpMethod: 'POST', path: '/v1/chat/completions', headers: { 'Content-Type': 'application/json' }, ...event }, stream, {});
    const raw = Buffer.concat(chunks).toString('utf8');
    const at = raw.indexOf(PRELUDE_DELIMITER);
    return { metadata: JSON.parse(raw.slice(0, at)) as { statusCode: number; headers: Record<string, string> }, body: raw.slice(at + PRELUDE_DELIMITER.length) };
  }

  const authorizer = principalToAuthorizerContext({ issuer: 'https://issuer.example', sub: 'carol', groups: ['llm-users'], claims: {} });

  it('streams a masked answer with the session headers in the response metadata', async () => {
    upstream.reply = () => `key ${CANARY} here`;
    const { metadata, body } = await invoke({
      body: JSON.stringify({ model: 'echo', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
      requestContext: { authorizer },
    });

    expect(metadata.statusCode).toBe(200);
    expect(metadata.headers['content-type']).toContain('text/event-stream');
    expect(metadata.headers['x-airlock-decision']).toBe('allow');
    expect(body.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(body).toContain('[REDACTED:aws_access_key_id]');
    expect(body).not.toContain(CANARY);
    const session = await stores.sessions.get(metadata.headers['x-airlock-session-id']!);
    expect(session).toMatchObject({ status: 'completed', principal: { sub: 'carol' } });
  });

  it('decodes a base64 body', async () => {
    upstream.reply = () => 'ok';
    const json = JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'hi' }] });
    const { metadata, body } = await invoke({ body: Buffer.from(json).toString('base64'), isBase64Encoded: true, requestContext: { authorizer } });

    expect(metadata.statusCode).toBe(200);
    expect(JSON.parse(body).choices[0].message.content).toBe('ok');
  });

  it('refuses an event that carries no authorizer principal (401)', async () => {
    const { metadata, body } = await invoke({ body: '{}', requestContext: { authorizer: null } });

    expect(metadata.statusCode).toBe(401);
    expect(JSON.parse(body).error.code).toBe('invalid_token');
  });

  it('refuses a body over the limit (413) before parsing it', async () => {
    const { metadata, body } = await invoke({ body: 'x'.repeat(5000), requestContext: { authorizer } });

    expect(metadata.statusCode).toBe(413);
    expect(JSON.parse(body).error.code).toBe('payload_too_large');
  });

  it('answers GET /health without a principal, with nothing but the status', async () => {
    const { metadata, body } = await invoke({ httpMethod: 'GET', path: '/health', body: null, requestContext: null });

    expect(metadata.statusCode).toBe(200);
    expect(JSON.parse(body)).toEqual({ status: 'ok' });
  });

  it('answers a path without /v1 with a 404 that names the route the caller meant', async () => {
    const { metadata, body } = await invoke({ path: '/chat/completions', body: '{}', requestContext: { authorizer } });

    expect(metadata.statusCode).toBe(404);
    expect(JSON.parse(body).error).toMatchObject({ code: 'not_found', message: expect.stringContaining('Did you mean /v1/chat/completions?') });
  });

  it('answers a method the route does not take with 405 and the methods it does', async () => {
    const { metadata, body } = await invoke({ httpMethod: 'DELETE', path: '/v1/chat/completions', body: null, requestContext: { authorizer } });

    expect(metadata.statusCode).toBe(405);
    expect(metadata.headers.allow).toBe('POST');
    expect(JSON.parse(body).error.code).toBe('method_not_allowed');
  });
});
