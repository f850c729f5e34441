import { randomUUID } from 'node:crypto';
import { mailed, startApprovalHarness, type ApprovalHarness } from './approval-harness';

// Built at run time so the repository holds no key-shaped string.
const CANARY_AWS_KEY = ['AKIA', 'Z7Q3CANARY', 'X2V9WQ'].join('');

describe('approval workflow: the deployed ASL on aws-local-stepfunctions, real use cases, DynamoDB Local and s3rver', () => {
  let h: ApprovalHarness;
  let alice: string;
  let carolCookie: string;

  beforeAll(async () => {
    h = await startApprovalHarness({
      // A group whose approvals time out after one second (below the policy file's minimum, for the timeout path).
      policy: (p) => void (p.groups.hurry = { approval: { timeout_seconds: 1 } }),
    });
    alice = await h.token('alice', ['llm-users']);
    carolCookie = await h.approverCookie('carol', ['approvers']);
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
  });

  beforeEach(() => {
    h.upstream.fault = 'none';
  });

  const dangerous = (extra = '') => ({
    model: 'echo',
    messages: [{ role: 'user', content: `Run DROP DATABASE customers on prod now ${extra} (ref ${randomUUID()})` }],
  });

  async function hold(token: string, body: unknown): Promise<{ id: string; link: string; error: Record<string, unknown>; response: Response }> {
    const response = await h.chat(token, body);
    const { error } = (await response.json()) as { error: Record<string, unknown> };
    const id = String(error.request_id);
    return { id, link: await mailed(h, id), error, response };
  }

  it('holds a review prompt: 403 approval_pending with request_id and status_url, session headers, a pending record', async () => {
    const response = await h.chat(alice, dangerous());
    const body = (await response.json()) as { error: Record<string, unknown> };

    expect(response.status).toBe(403);
    expect(body.error).toMatchObject({ type: 'approval_error', code: 'approval_pending', status: 'pending' });
    expect(body.error.status_url).toBe(`${h.baseUrl}/v1/airlock/requests/${body.error.request_id}`);
    expect(response.headers.get('x-airlock-decision')).toBe('review');
    expect(response.headers.get('x-airlock-session-id')).toMatch(/^[0-9A-Z]{26}$/);
    expect(Number(response.headers.get('x-airlock-overhead-ms'))).toBeGreaterThanOrEqual(0);
    const session = await h.sessions.get(response.headers.get('x-airlock-session-id')!);
    expect(session).toMatchObject({ status: 'pending', decision: 'review', errorCode: 'approval_pending' });
  });

  it('keeps the task token server-side: not in the link, the mail or the logs', async () => {
    const { id, link } = await hold(alice, dangerous());
    const message = h.mail.find((m) => m.approvalId === id)!;
    const tokenItem = await h.taskTokens.get(id);

    expect(tokenItem).toEqual(expect.any(String));
    expect(link).toMatch(new RegExp(`/approvals/${id}\\?exp=\\d+&sig=[A-Za-z0-9_-]{43}$`));
    expect(`${message.subject}\n${message.text}\n${link}`).not.toContain(tokenItem!);
    expect(h.logs.join('\n')).not.toContain(tokenItem!);
  });

  it('approve: the masked prompt goes upstream once, the masked answer is recorded and served to the status URL and to a re-send', async () => {
    const body = dangerous(`with key ${CANARY_AWS_KEY}`);
    const { id, link, response } = await hold(alice, body);
    const sessionId = response.headers.get('x-airlock-session-id')!;
    h.upstream.reply = () => `done; the key was ${CANARY_AWS_KEY}`;
    const before = h.upstream.requests.length;

    const decided = await h.decide(link, carolCookie, 'approve', 'planned maintenance');
    await h.approvals.workflow.settled(id);

    expect(decided.status).toBe(200);
    expect(h.upstream.requests.length - before).toBe(1);
    expect(h.upstream.requests.at(-1)).toContain('[REDACTED:aws_access_key_id]');
    expect(h.upstream.requests.at(-1)).not.toContain(CANARY_AWS_KEY);

    const status = (await (await h.status(alice, id)).json()) as Record<string, any>;
    expect(status).toMatchObject({ id, status: 'completed', decision: { decision: 'approved', approver: 'carol', reason: 'planned maintenance' } });
    expect(status.completion.choices[0].message.content).toBe('done; the key was [REDACTED:aws_access_key_id]');

    const session = await h.sessions.get(sessionId);
    expect(session).toMatchObject({ status: 'completed', approval: { approver: 'carol', decision: 'approved', reason: 'planned maintenance' } });
    const transcript = await h.transcripts.get(session!.transcriptKey!);
    expect(transcript?.sha256).toBe(session!.transcriptSha256);
    expect(JSON.stringify(transcript?.transcript)).not.toContain(CANARY_AWS_KEY);

    const resent = await h.chat(alice, body);
    expect(resent.status).toBe(200);
    expect(((await resent.json()) as any).choices[0].message.content).toBe('done; the key was [REDACTED:aws_access_key_id]');
    expect(h.upstream.requests.length - before).toBe(1);
    expect(JSON.stringify(h.mail)).toContain('[REDACTED:aws_access_key_id]');
    expect(JSON.stringify(h.mail)).not.toContain(CANARY_AWS_KEY);
    expect(h.logs.join('\n')).not.toContain(CANARY_AWS_KEY);
    h.upstream.reply = (b) => `Echo: ${String(b.messages?.at(-1)?.content ?? '')}`;
  });

  it('deny: the execution resumes with a failure, nothing goes upstream, and a re-send stays denied', async () => {
    const body = dangerous();
    const { id, link, response } = await hold(alice, body);
    const before = h.upstream.requests.length;

    const decided = await h.decide(link, carolCookie, 'deny', 'not during the freeze');
    await h.approvals.workflow.settled(id);

    expect(decided.status).toBe(200);
    expect(await decided.text()).toContain('Denied');
    expect(h.upstream.requests.length).toBe(before);
    expect(await (await h.status(alice, id)).json()).toMatchObject({ status: 'denied', decision: { decision: 'denied', reason: 'not during the freeze' } });
    expect(await h.sessions.get(response.headers.get('x-airlock-session-id')!)).toMatchObject({ status: 'denied', approval: { decision: 'denied', approver: 'carol' } });
    const resent = await h.chat(alice, body);
    expect(resent.status).toBe(403);
    expect(((await resent.json()) as any).error).toMatchObject({ code: 'approval_denied', request_id: id });
  });

  it('a second decision is refused as already decided, and the first one stands', async () => {
    const { id, link } = await hold(alice, dangerous());
    const carolForm = await h.openForm(link, carolCookie);
    const daveForm = await h.openForm(link, await h.approverCookie('dave', ['approvers']));

    const first = await carolForm('approve');
    const second = await daveForm('deny');
    await h.approvals.workflow.settled(id);

    expect(first.status).toBe(200);
    expect(second.status).toBe(409);
    expect(await second.text()).toContain('already approved by carol');
    expect((await h.store.get(id))?.status).toBe('completed');
  });

  it('timeout: an undecided request expires, its record says so, and a late decision is refused', async () => {
    const hurried = await h.token('erin', ['llm-users', 'hurry']);
    const body = dangerous();
    const { id, link, response } = await hold(hurried, body);

    await h.approvals.workflow.settled(id);
    const late = await h.decide(link, carolCookie, 'approve');

    expect((await h.store.get(id))?.status).toBe('expired');
    expect(await h.sessions.get(response.headers.get('x-airlock-session-id')!)).toMatchObject({ status: 'expired', approval: { decision: 'expired' } });
    expect(late.status).toBe(410);
    const resent = await h.chat(hurried, body);
    expect(((await resent.json()) as any).error).toMatchObject({ code: 'approval_expired', request_id: id });
  }, 15_000);

  it('upstream failure: InvokeUpstream is retried with backoff, then the failure is recorded', async () => {
    const { id, link, response } = await hold(alice, dangerous());
    h.upstream.fault = 'status500';
    const before = h.upstream.requests.length;

    await h.decide(link, carolCookie, 'approve');
    await h.approvals.workflow.settled(id);

    // The provider's own retry (2 attempts) under the state machine's Retry (1 + 3 attempts).
    expect(h.upstream.requests.length - before).toBe(8);
    expect(await h.store.get(id)).toMatchObject({ status: 'failed', errorCode: 'Airlock.UpstreamUnavailable' });
    expect(await h.sessions.get(response.headers.get('x-airlock-session-id')!)).toMatchObject({ status: 'failed', errorCode: 'Airlock.UpstreamUnavailable' });
    expect(await (await h.status(alice, id)).json()).toMatchObject({ status: 'failed', error: { code: 'Airlock.UpstreamUnavailable' } });
  });

  it('long-poll: x-airlock-wait holds the status call until the decision lands', async () => {
    const { id, link } = await hold(alice, dangerous());

    const waiting = h.status(alice, id, { 'x-airlock-wait': '10' });
    await new Promise((r) => setTimeout(r, 300));
    await h.decide(link, carolCookie, 'approve');
    const status = (await (await waiting).json()) as Record<string, any>;

    expect(status.status).toBe('completed');
    expect(status.completion.choices[0].message.content).toContain('DROP DATABASE');
  });

  it('holds an Anthropic Messages call too, answers in its envelope, and streams the approved answer to a re-send', async () => {
    const body = { model: 'echo', max_tokens: 100, messages: [{ role: 'user', content: `Run DROP DATABASE customers (ref ${randomUUID()})` }] };
    const held = await h.messages(alice, body);
    const envelope = (await held.json()) as { type: string; error: Record<string, unknown> };
    const id = String(envelope.error.request_id);

    await h.decide(await mailed(h, id), carolCookie, 'approve');
    await h.approvals.workflow.settled(id);
    const resent = await h.messages(alice, { ...body, stream: true });
    const events = await resent.text();

    expect(held.status).toBe(403);
    expect(envelope).toMatchObject({ type: 'error', error: { type: 'permission_error', code: 'approval_pending' } });
    expect(resent.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(events).toMatch(/^event: message_start\n/);
    expect(events).toContain('event: message_stop');
    const text = [...events.matchAll(/"text":"([^"]*)"/g)].map((m) => m[1]).join('');
    expect(text).toContain('DROP DATABASE customers');
  });

  it("answers someone else's status URL with 404, and an auditor's with the status", async () => {
    const { id } = await hold(alice, dangerous());

    const mallory = await h.status(await h.token('mallory', ['llm-users']), id);
    const auditor = await h.status(await h.token('audrey', ['auditors']), id);

    expect(mallory.status).toBe(404);
    expect(auditor.status).toBe(200);
    expect(await auditor.json()).toMatchObject({ id, status: 'pending' });
  });
});
