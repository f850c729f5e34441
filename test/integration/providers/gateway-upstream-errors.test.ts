import Anthropic from '@anthropic-ai/sdk';
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { ulid } from 'ulid';
import { cachedInspectorFactory } from '../../../lambdas/gateway/inspector-cache';
import { systemClock } from '../../../lambdas/gateway/ports';
import { createGatewayApp } from '../../../lambdas/gateway/router';
import { createInspector } from '../../../lambdas/inspect';
import { parsePolicy } from '../../../lambdas/inspect/policy-yaml';
import { anthropicProvider } from '../../../lambdas/providers/anthropic';
import { OpenAICompatibleProvider } from '../../../lambdas/providers/openai-compatible';
import { startEmbeddedStores, type EmbeddedStores } from '../../../local/embedded-stores';
import { startLocalServer } from '../../../local/server';
import { answer, startFaultUpstream, type FaultUpstream } from './fault-upstream';

const PLANTED_KEY = ['AKIA', 'Q5W8CANARY', 'M3K7ZP'].join('');

/**
 * What a caller's SDK sees when the upstream refuses: the gateway's chat routes over real HTTP,
 * the official OpenAI and Anthropic clients, a scripted upstream behind.
 */
describe('upstream refusals as the caller sees them', () => {
  let upstream: FaultUpstream;
  let stores: EmbeddedStores;
  let gateway: { url: string; close(): Promise<void> };
  let openai: OpenAI;
  let anthropic: Anthropic;
  // The record is completed after the answer went out: the stores close only once every handler is done.
  const handling = new Set<Promise<void>>();

  beforeAll(async () => {
    upstream = await startFaultUpstream();
    stores = await startEmbeddedStores();
    const options = { baseUrl: upstream.url, apiKey: async () => 'k-gateway', timeoutMs: 2_000, deadlineMs: 5_000, retries: 2, backoffMs: 1 };
    const app = createGatewayApp({
      policy: parsePolicy(readFileSync('airlock.policy.yaml', 'utf8')),
      inspectorFor: cachedInspectorFactory(createInspector),
      provider: new OpenAICompatibleProvider(options),
      anthropicProvider: anthropicProvider(options),
      sessions: stores.sessions,
      transcripts: stores.transcripts,
      logger: { info() {}, warn() {}, error() {}, debug() {} },
      clock: systemClock,
      newId: ulid,
    });
    gateway = await startLocalServer({
      port: 0,
      maxBodyBytes: 1_048_576,
      authenticate: async () => ({ issuer: 'https://issuer.example', sub: 'dana', groups: ['llm-users'], claims: {} }),
      handlers: {
        proxy: (req, sink) => {
          const done = app(req, sink);
          handling.add(done);
          return done.finally(() => handling.delete(done));
        },
      },
    });
    openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'caller-token', maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: gateway.url, apiKey: 'caller-token', maxRetries: 0 });
  });

  afterAll(async () => {
    await Promise.allSettled([...handling]);
    await gateway?.close();
    await stores?.close();
    await upstream?.close();
  });

  const chat = () => openai.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hello' }] });

  it('gives an OpenAI caller the upstream 400 message and param, with a key it echoed masked', async () => {
    upstream.script = [answer(400, { error: { message: `Unsupported parameter: foo (got ${PLANTED_KEY})`, type: 'invalid_request_error', param: 'foo', code: null } })];

    const err = (await chat().catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;

    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.message).toContain('Unsupported parameter: foo');
    expect(err.message).not.toContain(PLANTED_KEY);
    expect(err.param).toBe('foo');
  });

  it('gives an Anthropic caller the upstream 400 message, masked', async () => {
    upstream.script = [answer(400, { type: 'error', error: { type: 'invalid_request_error', message: `max_tokens: must be positive; key ${PLANTED_KEY}` } })];

    const err = (await anthropic.messages.create({ model: 'claude-test', max_tokens: 10, messages: [{ role: 'user', content: 'hello' }] }).catch((e: unknown) => e)) as InstanceType<
      typeof Anthropic.APIError
    >;

    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect(err.message).toContain('max_tokens: must be positive');
    expect(err.message).not.toContain(PLANTED_KEY);
  });

  it('passes the upstream Retry-After of a 429 on to the caller', async () => {
    upstream.script = [answer(429, { error: { message: 'Rate limit reached for org-gateway' } }, { 'retry-after': '45' })];

    const err = (await chat().catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;

    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.headers?.get('retry-after')).toBe('45');
    expect(err.message).not.toContain('org-gateway');
  });

  it('keeps a 5xx generic for the caller', async () => {
    upstream.script = [answer(500, { error: { message: `internal: ${PLANTED_KEY}` } })];

    const err = (await chat().catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;

    expect(err.status).toBe(502);
    expect(err.message).not.toContain('internal:');
  });
});
