import { policyFromObject } from '../../../lambdas/inspect/policy';
import { inMemoryApprovals, type InMemoryApprovals } from '../../support/in-memory-approvals';
import { inMemoryGateway, principal, type InMemoryGateway } from '../../support/in-memory-gateway';

// Every prompt goes to review: the approval flow is what these tests are about.
const policy = policyFromObject({ version: 1, access: { groups: ['llm-users'] }, defaults: { risk: { review_at: 0, block_at: 101 } } });
const alice = principal('alice', ['llm-users']);
const auditor = principal('audrey', ['auditors']);
const answer = { id: 'x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'the approved answer' }, finish_reason: 'stop' }] };

function setup(): { gw: InMemoryGateway; flow: InMemoryApprovals } {
  let flow!: InMemoryApprovals;
  const gw = inMemoryGateway({
    policy,
    script: async () => ({ kind: 'json', body: answer }),
    approvals: (stores) => {
      const built = inMemoryApprovals(stores, policy, stores.provider);
      flow = built.flow;
      return built.gate(stores);
    },
  });
  return { gw, flow };
}

async function hold(gw: InMemoryGateway, content = 'please review me') {
  const reply = await gw.call('/v1/chat/completions', { principal: alice, body: { model: 'echo', messages: [{ role: 'user', content }] } });
  expect(reply.status).toBe(403);
  return { requestId: String(reply.json().error.request_id ?? reply.headers['x-airlock-request-id']), sessionId: reply.headers['x-airlock-session-id']! };
}

async function approveAndComplete(gw: InMemoryGateway, flow: InMemoryApprovals) {
  const { requestId, sessionId } = await hold(gw);
  const decided = await flow.decide(requestId, 'approve', async () => {
    await flow.invoke(requestId);
    await flow.record(requestId, 'completed');
  });
  expect(decided.status).toBe(200);
  return { requestId, sessionId };
}

const read = async (gw: InMemoryGateway, id: string) => (await gw.call(`/v1/airlock/sessions/${id}`, { principal: auditor, method: 'GET' })).json();

describe('approved sessions and their integrity', () => {
  it('verifies an approved, completed session', async () => {
    const { gw, flow } = setup();
    const { sessionId } = await approveAndComplete(gw, flow);

    const body = await read(gw, sessionId);

    expect(body.session.status).toBe('completed');
    expect(body.integrity).toBe('verified');
    expect(body.transcript.response).toMatchObject({ choices: [{ message: { content: 'the approved answer' } }] });
  });

  it('keeps the held request next to the approved exchange instead of overwriting it', async () => {
    const { gw, flow } = setup();
    const { requestId, sessionId } = await approveAndComplete(gw, flow);

    const approval = flow.approvals.items.get(requestId)!;
    const session = gw.sessions.items.get(sessionId)!;

    expect(session.transcriptKey).not.toBe(approval.requestKey);
    expect(gw.transcripts.objects.has(approval.requestKey)).toBe(true);
  });

  it('reports mismatch when the approved exchange is altered', async () => {
    const { gw, flow } = setup();
    const { sessionId } = await approveAndComplete(gw, flow);
    gw.transcripts.tamper(gw.sessions.items.get(sessionId)!.transcriptKey!, (t) => {
      t.response = { choices: [{ message: { content: 'a different answer' } }] };
    });

    expect((await read(gw, sessionId)).integrity).toBe('mismatch');
  });

  it('reports mismatch when the held request is altered after the approval', async () => {
    const { gw, flow } = setup();
    const { requestId, sessionId } = await approveAndComplete(gw, flow);
    gw.transcripts.tamper(flow.approvals.items.get(requestId)!.requestKey, (t) => {
      t.request = { model: 'echo', messages: [{ role: 'user', content: 'something else entirely' }] };
    });

    expect((await read(gw, sessionId)).integrity).toBe('mismatch');
  });

  it('reports missing when the held request is gone', async () => {
    const { gw, flow } = setup();
    const { requestId, sessionId } = await approveAndComplete(gw, flow);
    gw.transcripts.objects.delete(flow.approvals.items.get(requestId)!.requestKey);

    expect((await read(gw, sessionId)).integrity).toBe('missing');
  });
});

describe('the decision race', () => {
  it('does not roll a session the workflow already completed back to approved', async () => {
    const { gw, flow } = setup();
    const { sessionId } = await approveAndComplete(gw, flow);

    expect(gw.sessions.items.get(sessionId)).toMatchObject({ status: 'completed', approval: { decision: 'approved' } });
  });

  it('records the decision on a session still waiting for it', async () => {
    const { gw, flow } = setup();
    const { requestId, sessionId } = await hold(gw);

    await flow.decide(requestId, 'deny');

    expect(gw.sessions.items.get(sessionId)).toMatchObject({ status: 'denied', approval: { decision: 'denied' } });
  });
});

describe('no orphan pending session', () => {
  it('ends the session when the approval cannot be stored, and leaves nothing in the approvers queue', async () => {
    const { gw, flow } = setup();
    flow.approvals.failures.failNext('create');

    const reply = await gw.call('/v1/chat/completions', { principal: alice, body: { model: 'echo', messages: [{ role: 'user', content: 'hold me' }] } });

    expect(reply.status).toBe(503);
    expect([...gw.sessions.items.values()].map((s) => s.status)).toEqual(['failed']);
    expect((await gw.sessions.listSessions({ status: 'pending' })).items).toEqual([]);
    expect(gw.provider.calls).toHaveLength(0);
  });

  it('ends the session when the held request cannot be recorded', async () => {
    const { gw, flow } = setup();
    gw.transcripts.failures.failNext('put', 3);

    await gw.call('/v1/chat/completions', { principal: alice, body: { model: 'echo', messages: [{ role: 'user', content: 'hold me' }] } });

    expect([...gw.sessions.items.values()].map((s) => s.status)).toEqual(['failed']);
    expect(flow.approvals.items.size).toBe(0);
    expect(flow.started).toHaveLength(0);
  });

  it('ends the session when the approval lookup fails', async () => {
    const { gw, flow } = setup();
    flow.approvals.failures.failNext('findLatestByHash');

    await gw.call('/v1/chat/completions', { principal: alice, body: { model: 'echo', messages: [{ role: 'user', content: 'hold me' }] } });

    expect([...gw.sessions.items.values()].map((s) => s.status)).toEqual(['failed']);
  });

  it('holds a prompt as pending once its approval exists', async () => {
    const { gw, flow } = setup();

    const { requestId, sessionId } = await hold(gw);

    expect(gw.sessions.items.get(sessionId)?.status).toBe('pending');
    expect(flow.approvals.items.get(requestId)?.sessionId).toBe(sessionId);
  });
});

describe('approval outcomes on the event bus', () => {
  it('publishes the decision and the completion', async () => {
    const { gw, flow } = setup();
    const { requestId } = await approveAndComplete(gw, flow);

    expect(flow.published.map((e) => [e.approval.id, e.outcome, e.approval.status])).toEqual([
      [requestId, 'completed', 'completed'],
      [requestId, 'decided', 'approved'],
    ]);
  });

  it.each(['denied', 'expired', 'failed'] as const)('publishes a %s outcome', async (outcome) => {
    const { gw, flow } = setup();
    const { requestId } = await hold(gw);
    if (outcome === 'denied') await flow.decide(requestId, 'deny');

    await flow.record(requestId, outcome, outcome === 'failed' ? 'Airlock.UpstreamUnavailable' : undefined);

    expect(flow.published.at(-1)).toMatchObject({ outcome, approval: { id: requestId, status: outcome } });
  });
});
