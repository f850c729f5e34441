import { composeGateway, composeInvokeStep, type ChatUpstreams } from '../../../lambdas/gateway/compose';
import { bufferedSink } from '../../../lambdas/aws/buffered-sink';
import type { GatewayRequest } from '../../../lambdas/gateway/http';
import type { Upstream } from '../../../lambdas/gateway/upstream-router';
import type { ChatFormat } from '../../../lambdas/inspect/types';
import { policyFromObject, type Policy } from '../../../lambdas/inspect/policy';
import type { UpstreamCall, UpstreamResult } from '../../../lambdas/providers/types';
import { AirlockError, upstreamError, upstreamTimeout } from '../../../lambdas/shared/errors';
import { InMemoryApprovalStore, InMemorySessionStore, InMemoryTranscriptStore } from '../../support/in-memory-stores';
import { principal, ScriptedProvider, silentUntilAborted } from '../../support/in-memory-gateway';

/**
 * The composition root with an upstream list, over in-memory stores: which upstream a model id
 * reaches, what a caller hears about a model nobody serves, fallbacks within the one deadline and
 * their record, and a held request sent in the format it came in.
 */
const policy = policyFromObject({ version: 1, access: { groups: ['llm-users'] }, groups: { 'llm-users': { models: { allow: ['gpt-*', 'claude-*', 'anthropic.*'] } } } });
const alice = principal('alice', ['llm-users']);
const quiet = { info() {}, warn() {}, error() {}, debug() {} };
const clock = { now: () => Date.now(), monotonic: () => performance.now() };

const chat = (model: string): UpstreamResult => ({ kind: 'json', body: { id: 'c', object: 'chat.completion', model, choices: [{ index: 0, message: { role: 'assistant', content: `from ${model}` }, finish_reason: 'stop' }] } });
const message = (model: string): UpstreamResult => ({ kind: 'json', body: { id: 'm', type: 'message', role: 'assistant', model, content: [{ type: 'text', text: `from ${model}` }], stop_reason: 'end_turn', usage: { input_tokens: 1, output_tokens: 2 } } });

function provider(models: string[], answer: (call: UpstreamCall) => Promise<UpstreamResult>): ScriptedProvider {
  const p = new ScriptedProvider(answer);
  p.listModels = async () => models;
  return p;
}

function setup(list: Upstream[], options: { deadlineMs?: number; policy?: Policy } = {}) {
  const sessions = new InMemorySessionStore();
  const transcripts = new InMemoryTranscriptStore();
  const approvals = new InMemoryApprovalStore();
  let ids = 0;
  const providers: ChatUpstreams = { list, ...(options.deadlineMs ? { deadlineMs: options.deadlineMs } : {}) };
  const gateway = composeGateway({
    policy: options.policy ?? policy,
    providers,
    sessions,
    transcripts,
    approvals: { store: approvals, workflow: { start: async () => undefined } },
    logger: quiet as never,
    clock,
    newId: () => `S${String(++ids).padStart(25, '0')}`,
  });
  const invoke = composeInvokeStep({ policy: options.policy ?? policy, providers, approvals, sessions, transcripts, logger: quiet as never, clock });
  const call = async (path: string, body: unknown, headers: Record<string, string> = {}, method = 'POST') => {
    const sink = bufferedSink();
    const req: GatewayRequest = { method, path, query: {}, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), principal: alice, receivedAt: performance.now() };
    await gateway.app(req, sink);
    const { statusCode, headers: replyHeaders, body: out } = sink.result();
    return { status: statusCode, headers: replyHeaders, json: () => JSON.parse(out) as any };
  };
  return { sessions, approvals, transcripts, invoke, call };
}

const upstream = (name: string, formats: ChatFormat[], models: string[], p: ScriptedProvider, fallback?: string): Upstream => ({ name, formats, models, provider: p, ...(fallback ? { fallback } : {}) });

describe('composition root: chat upstreams by model', () => {
  it('sends each model to the first upstream whose globs match it and that speaks the route', async () => {
    const openai = provider(['gpt-4o', 'gpt-4o-mini'], async (c) => chat(String(c.body.model)));
    const anthropic = provider(['claude-sonnet-4'], async (c) => message(String(c.body.model)));
    const bedrock = provider(['anthropic.claude-3-haiku'], async (c) => (c.format === 'anthropic' ? message('bedrock') : chat('bedrock')));
    const { call, sessions } = setup([
      upstream('openai', ['openai'], ['gpt-*'], openai),
      upstream('anthropic', ['anthropic'], ['claude-*'], anthropic),
      upstream('bedrock', ['openai', 'anthropic'], ['anthropic.*'], bedrock),
    ]);

    const viaOpenAI = await call('/v1/chat/completions', { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    const viaMessages = await call('/v1/messages', { model: 'claude-sonnet-4', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
    const bedrockOverOpenAI = await call('/v1/chat/completions', { model: 'anthropic.claude-3-haiku', messages: [{ role: 'user', content: 'hi' }] });
    const bedrockOverMessages = await call('/v1/messages', { model: 'anthropic.claude-3-haiku', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });

    expect([viaOpenAI.status, viaMessages.status, bedrockOverOpenAI.status, bedrockOverMessages.status]).toEqual([200, 200, 200, 200]);
    expect(openai.calls.map((c) => c.body.model)).toEqual(['gpt-4o']);
    expect(anthropic.calls.map((c) => [c.path, c.body.model])).toEqual([['/messages', 'claude-sonnet-4']]);
    expect(bedrock.calls.map((c) => c.format)).toEqual(['openai', 'anthropic']);
    expect(bedrockOverMessages.json().content[0].text).toBe('from bedrock');
    const record = await sessions.get(bedrockOverOpenAI.headers['x-airlock-session-id']!);
    expect(record?.upstream).toEqual({ name: 'bedrock' });
  });

  it('answers a model nobody serves with model_not_found naming the models the caller may use', async () => {
    const openai = provider(['gpt-4o', 'gpt-4o-mini', 'o3-secret-preview'], async (c) => chat(String(c.body.model)));
    const { call } = setup([upstream('openai', ['openai'], ['gpt-*'], openai)]);

    const reply = await call('/v1/chat/completions', { model: 'claude-3-opus', messages: [{ role: 'user', content: 'hi' }] });

    expect(reply.status).toBe(404);
    expect(reply.json().error).toMatchObject({ code: 'model_not_found', param: 'model' });
    expect(reply.json().error.message).toContain('Models you may use: gpt-4o, gpt-4o-mini.');
    expect(openai.calls).toHaveLength(0);
  });

  it('tells a caller of the wrong API which route serves the model', async () => {
    const anthropic = provider(['claude-sonnet-4'], async (c) => message(String(c.body.model)));
    const openai = provider(['gpt-4o'], async (c) => chat(String(c.body.model)));
    const { call } = setup([upstream('openai', ['openai'], ['gpt-*'], openai), upstream('anthropic', ['anthropic'], ['claude-*'], anthropic)]);

    const reply = await call('/v1/chat/completions', { model: 'claude-sonnet-4', messages: [{ role: 'user', content: 'hi' }] });

    expect(reply.status).toBe(404);
    expect(reply.json().error.message).toContain('call POST /v1/messages');
    expect(anthropic.calls).toHaveLength(0);
  });

  it('falls back on a 5xx, answers from the fallback and records both upstreams', async () => {
    const primary = provider([], async () => Promise.reject(upstreamError('The upstream failed with status 503.')));
    const backup = provider([], async (c) => chat(`backup:${String(c.body.model)}`));
    const { call, sessions } = setup([upstream('primary', ['openai'], ['gpt-*'], primary, 'backup'), upstream('backup', ['openai'], ['gpt-*'], backup)], { deadlineMs: 10_000 });

    const reply = await call('/v1/chat/completions', { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });

    expect(reply.status).toBe(200);
    expect(reply.json().choices[0].message.content).toBe('from backup:gpt-4o');
    expect(primary.calls).toHaveLength(1);
    const record = await sessions.get(reply.headers['x-airlock-session-id']!);
    expect(record).toMatchObject({ status: 'completed', upstream: { name: 'backup', fallbackFrom: 'primary' } });
  });

  it('sends each upstream of a fallback pair its own id for a caller-facing alias', async () => {
    const bedrock = provider([], async () => Promise.reject(upstreamError('The upstream failed with status 500.')));
    const anthropic = provider([], async (c) => message(String(c.body.model)));
    const pair = [
      { ...upstream('bedrock', ['openai', 'anthropic'], ['claude-sonnet'], bedrock, 'anthropic'), aliases: { 'claude-sonnet': 'anthropic.claude-3-5-sonnet-20240620-v1:0' } },
      { ...upstream('anthropic', ['anthropic'], ['claude-sonnet'], anthropic), aliases: { 'claude-sonnet': 'claude-3-5-sonnet-20240620' } },
    ];
    const { call, sessions } = setup(pair, { deadlineMs: 10_000 });

    const reply = await call('/v1/messages', { model: 'claude-sonnet', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
    const listed = await call('/v1/models', undefined, { 'anthropic-version': '2023-06-01' }, 'GET');

    expect(reply.status).toBe(200);
    expect(bedrock.calls.map((c) => c.body.model)).toEqual(['anthropic.claude-3-5-sonnet-20240620-v1:0']);
    expect(anthropic.calls.map((c) => c.body.model)).toEqual(['claude-3-5-sonnet-20240620']);
    expect(await sessions.get(reply.headers['x-airlock-session-id']!)).toMatchObject({ model: 'claude-sonnet', upstream: { name: 'anthropic', fallbackFrom: 'bedrock' } });
    expect(listed.json().data.map((m: { id: string }) => m.id)).toEqual(['claude-sonnet']);
  });

  it('shares one deadline: the first upstream gets half, the fallback the rest', async () => {
    const primary = provider([], (c) => silentUntilDeadline(c));
    const backup = provider([], async () => chat('backup'));
    const { call, sessions } = setup([upstream('primary', ['openai'], ['gpt-*'], primary, 'backup'), upstream('backup', ['openai'], ['gpt-*'], backup)], { deadlineMs: 3_000 });

    const reply = await call('/v1/chat/completions', { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });

    expect(reply.status).toBe(200);
    const [first] = primary.calls;
    const [second] = backup.calls;
    // Both instants count from the same start: the whole deadline is 3 s, the first upstream's 1.5 s
    // (long enough that a loaded machine leaves the fallback its half).
    expect(second!.deadlineAt! - first!.deadlineAt!).toBeCloseTo(1_500, 3);
    expect(await sessions.get(reply.headers['x-airlock-session-id']!)).toMatchObject({ upstream: { name: 'backup', fallbackFrom: 'primary' } });
  });

  it('does not fall back when the upstream refuses the request itself, and records who refused', async () => {
    const primary = provider([], async () => Promise.reject(new AirlockError('upstream_rejected', 'The upstream rejected the request as invalid.', { status: 400 })));
    const backup = provider([], async () => chat('backup'));
    const { call, sessions } = setup([upstream('primary', ['openai'], ['gpt-*'], primary, 'backup'), upstream('backup', ['openai'], ['gpt-*'], backup)], { deadlineMs: 10_000 });

    const reply = await call('/v1/chat/completions', { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });

    expect(reply.status).toBe(400);
    expect(backup.calls).toHaveLength(0);
    expect(await sessions.get(reply.headers['x-airlock-session-id']!)).toMatchObject({ status: 'failed', upstream: { name: 'primary' } });
  });

  it('lists the models of every upstream for the SDK that asks: OpenAI list, or Anthropic list with anthropic-version', async () => {
    const openai = provider(['gpt-4o', 'text-embedding-3-small'], async () => chat('x'));
    const anthropic = provider(['claude-sonnet-4'], async () => message('x'));
    const bedrock = provider(['anthropic.claude-3-haiku', 'meta.llama3'], async () => chat('x'));
    const { call } = setup([
      upstream('openai', ['openai'], ['gpt-*'], openai),
      upstream('anthropic', ['anthropic'], ['claude-*'], anthropic),
      upstream('bedrock', ['openai', 'anthropic'], ['anthropic.*', 'meta.*'], bedrock),
    ]);

    const asOpenAI = await call('/v1/models', undefined, {}, 'GET');
    const asAnthropic = await call('/v1/models', undefined, { 'anthropic-version': '2023-06-01' }, 'GET');

    // meta.llama3 is served but not allowed by the policy; text-embedding-3-small is outside the openai upstream's globs.
    expect(asOpenAI.json()).toEqual({ object: 'list', data: ['gpt-4o', 'anthropic.claude-3-haiku'].map((id) => ({ id, object: 'model', created: 0, owned_by: 'airlock' })) });
    expect(asAnthropic.json()).toMatchObject({ data: [{ type: 'model', id: 'claude-sonnet-4' }, { type: 'model', id: 'anthropic.claude-3-haiku' }], has_more: false, first_id: 'claude-sonnet-4', last_id: 'anthropic.claude-3-haiku' });
  });

  it('holds a Messages request with its format and sends the approved call to the same upstream in that format', async () => {
    const reviewAll = policyFromObject({ version: 1, access: { groups: ['llm-users'] }, defaults: { risk: { review_at: 0, block_at: 101 } } });
    const openai = provider([], async () => chat('openai'));
    const bedrock = provider([], async (c) => (c.format === 'anthropic' ? message('bedrock') : chat('bedrock')));
    const { call, approvals, invoke } = setup([upstream('openai', ['openai'], ['gpt-*'], openai), upstream('bedrock', ['openai', 'anthropic'], ['anthropic.*'], bedrock)], { policy: reviewAll });

    const held = await call('/v1/messages', { model: 'anthropic.claude-3-haiku', max_tokens: 8, messages: [{ role: 'user', content: 'please review' }] });
    expect(held.status).toBe(403);
    const approval = (await approvals.get(held.json().error.request_id))!;
    expect(approval.format).toBe('anthropic');
    await approvals.transition(approval.id, ['pending'], { status: 'approved' });
    await invoke({ approvalId: approval.id });

    expect(bedrock.calls.map((c) => [c.format, c.path, c.stream])).toEqual([['anthropic', '/messages', false]]);
    expect(openai.calls).toHaveLength(0);
  });
});

/** An upstream that never answers: it fails with a timeout at the deadline it was given. */
function silentUntilDeadline(c: UpstreamCall): Promise<UpstreamResult> {
  return Promise.race([
    silentUntilAborted(c.signal),
    new Promise<never>((_, reject) => setTimeout(() => reject(upstreamTimeout('no answer within the deadline')), Math.max(0, (c.deadlineAt ?? 0) - performance.now()))),
  ]);
}
