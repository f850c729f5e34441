import { randomUUID } from 'node:crypto';
import { mailed, startApprovalHarness, type ApprovalHarness } from './approval-harness';

/**
 * What the local runtime does after a restart, with the executions of the previous process gone:
 * a decision that finds no waiting execution is rolled back and the approver told so; resumed
 * executions (the same ASL, from where each approval stood) wait out the rest of the deadline
 * under the stored task token, send an approved request, or record an expired one.
 */
describe('approval workflows across a restart of the local runtime', () => {
  let h: ApprovalHarness;
  let alice: string;
  let carolCookie: string;

  beforeAll(async () => {
    h = await startApprovalHarness({ policy: (p) => void (p.groups.hurry = { approval: { timeout_seconds: 1 } }) });
    alice = await h.token('alice', ['llm-users']);
    carolCookie = await h.approverCookie('carol', ['approvers']);
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
  });

  const dangerous = () => ({ model: 'echo', messages: [{ role: 'user', content: `Run DROP DATABASE customers on prod now (ref ${randomUUID()})` }] });

  async function hold(token: string): Promise<{ id: string; link: string }> {
    const { error } = (await (await h.chat(token, dangerous())).json()) as { error: { request_id: string } };
    return { id: error.request_id, link: await mailed(h, error.request_id) };
  }

  async function settledStatus(token: string, id: string): Promise<string> {
    for (let i = 0; ; i++) {
      const { status } = (await (await h.status(token, id)).json()) as { status: string };
      if ((status !== 'pending' && status !== 'approved') || i > 200) return status;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('rolls back a decision no execution waits for and tells the approver, then takes it once the execution is resumed', async () => {
    const { id, link } = await hold(alice);
    await h.approvals.workflow.close();

    const undelivered = await h.decide(link, carolCookie, 'approve');
    const afterUndelivered = await h.store.get(id);
    h.approvals.workflow.resume(afterUndelivered!, await h.taskTokens.get(id), Date.now());
    const delivered = await h.decide(link, carolCookie, 'approve');

    expect(undelivered.status).toBe(503);
    expect(await undelivered.text()).toContain('Nothing was changed');
    expect(afterUndelivered).toMatchObject({ status: 'pending' });
    expect(afterUndelivered?.decision).toBeUndefined();
    expect(delivered.status).toBe(200);
    expect(await settledStatus(alice, id)).toBe('completed');
    expect(h.mail.filter((m) => m.approvalId === id)).toHaveLength(1);
  });

  it('sends an approval that was decided but not yet sent when the process died', async () => {
    const { id } = await hold(alice);
    await h.approvals.workflow.close();
    const decidedAt = new Date().toISOString();
    await h.store.transition(id, ['pending'], { status: 'approved', decision: { approver: { issuer: 'https://issuer.test', sub: 'carol' }, decision: 'approved', decidedAt } });

    h.approvals.workflow.resume((await h.store.get(id))!, undefined, Date.now());

    expect(await settledStatus(alice, id)).toBe('completed');
    expect((await h.store.get(id))?.result?.transcriptKey).toEqual(expect.any(String));
  });

  it('records an approval whose deadline passed while the process was down as expired', async () => {
    const dan = await h.token('dan', ['llm-users', 'hurry']);
    const { id } = await hold(dan);
    await h.approvals.workflow.close();
    await new Promise((r) => setTimeout(r, 1_200));

    h.approvals.workflow.resume((await h.store.get(id))!, await h.taskTokens.get(id), Date.now());
    await h.approvals.workflow.settled(id);

    expect((await h.store.get(id))?.status).toBe('expired');
  });
});
