import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createInspector } from '../../../lambdas/inspect/inspector';
import { policyFromObject, resolveGroupPolicy } from '../../../lambdas/inspect/policy';
import type { ApprovalExecutionInput, ApprovalWorkflow } from '../../../lambdas/gateway/approvals/ports';
import { recordOutcome } from '../../../lambdas/gateway/approvals/record-outcome';
import { MCP_ROUTE } from '../../../lambdas/gateway/mcp/tool-call';
import { McpToolApprovals } from '../../../lambdas/gateway/mcp/tool-approvals';
import { toolCallHash } from '../../../lambdas/gateway/mcp/tool-call-binding';
import type { McpUpstreamClient, ReviewedToolCall } from '../../../lambdas/gateway/mcp/upstreams';
import { SessionRecorder } from '../../../lambdas/gateway/session-recorder';
import { readConfig } from '../../../lambdas/shared/config';
import type { AirlockLogger } from '../../../lambdas/shared/logger';
import { LocalApprovalWorkflow, LocalTaskTokens } from '../../../local/approval-workflow';
import { openEmbeddedSqliteStores } from '../../../local/store/local-stores';
import { principal } from '../../support/in-memory-gateway';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } as unknown as AirlockLogger;
const text = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

describe('tool call binding (toolCallHash)', () => {
  const alice = { issuer: 'https://idp', sub: 'alice' };
  const call = { upstream: 'db', tool: 'run_sql', arguments: { sql: 'DROP TABLE customers', options: { dry: false, limit: 1 } } };

  it('is the same for the same caller and call, whatever the key order at any depth', () => {
    const reordered = { tool: 'run_sql', upstream: 'db', arguments: { options: { limit: 1, dry: false }, sql: 'DROP TABLE customers' } };

    expect(toolCallHash(alice, reordered)).toBe(toolCallHash(alice, call));
    expect(toolCallHash(alice, call)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('differs for another caller, upstream, tool, argument value or an extra argument', () => {
    const base = toolCallHash(alice, call);

    expect(toolCallHash({ ...alice, sub: 'bob' }, call)).not.toBe(base);
    expect(toolCallHash({ ...alice, issuer: 'https://other' }, call)).not.toBe(base);
    expect(toolCallHash(alice, { ...call, upstream: 'db2' })).not.toBe(base);
    expect(toolCallHash(alice, { ...call, tool: 'list_tables' })).not.toBe(base);
    expect(toolCallHash(alice, { ...call, arguments: { ...call.arguments, sql: 'DROP TABLE orders' } })).not.toBe(base);
    expect(toolCallHash(alice, { ...call, arguments: { ...call.arguments, note: 'x' } })).not.toBe(base);
  });

  it('does not confuse an upstream/tool split: "a.b" + "c" is not "a" + "b.c"', () => {
    expect(toolCallHash(alice, { upstream: 'a.b', tool: 'c', arguments: {} })).not.toBe(toolCallHash(alice, { upstream: 'a', tool: 'b.c', arguments: {} }));
  });
});

describe('reviewed tool calls: the approved call is sent once (single-use claim)', () => {
  const policy = policyFromObject({ version: 1, access: { groups: ['llm-users'] } });
  const groupPolicy = resolveGroupPolicy(policy, ['llm-users'])!;
  const alice = principal('alice', ['llm-users']);
  const clock = { now: () => Date.now(), monotonic: () => performance.now() };

  async function setup(
    timing: { holdMs?: number; progressIntervalMs?: number } = {},
    faults: { approvalsDown?: boolean } = {},
    workflowOf?: (stores: Awaited<ReturnType<typeof openEmbeddedSqliteStores>>) => ApprovalWorkflow,
  ) {
    const stores = await openEmbeddedSqliteStores();
    // The one fault a real store cannot be made to show on demand: an approval write that fails.
    const approvals = faults.approvalsDown
      ? Object.assign(Object.create(stores.approvals) as typeof stores.approvals, { create: () => Promise.reject(new Error('approval table unavailable')) })
      : stores.approvals;
    const sent: Array<{ name: string; args: Record<string, unknown> }> = [];
    const started: ApprovalExecutionInput[] = [];
    // The upstream answers after a pause, so concurrent collections overlap the sending.
    const client: McpUpstreamClient = {
      listTools: async () => [],
      callTool: async (name, args) => {
        sent.push({ name, args });
        await new Promise((r) => setTimeout(r, 50));
        return { content: [{ type: 'text', text: `ran ${String(args.sql)}` }] };
      },
      close: async () => undefined,
    };
    const gate = new McpToolApprovals({
      approvals,
      sessions: stores.sessions,
      transcripts: stores.transcripts,
      logger: quiet,
      clock,
      workflow: workflowOf?.(stores) ?? { start: async (input) => void started.push(input) },
      policy,
      upstreams: [{ name: 'db', groups: ['llm-users'], client }],
      inspectorFor: () => createInspector(groupPolicy),
      holdMs: timing.holdMs ?? 0,
      progressIntervalMs: timing.progressIntervalMs ?? 1000,
      pollMs: 20,
      waitMs: 0,
    });
    let n = 0;
    const call = async (sql: string): Promise<ReviewedToolCall> => {
      const id = `01SESSION${String(++n).padStart(17, '0')}`;
      const recorder = new SessionRecorder(
        { sessions: stores.sessions, transcripts: stores.transcripts, logger: quiet },
        { id, principal: alice, route: MCP_ROUTE, createdAt: new Date() },
        clock.monotonic(),
        clock.monotonic,
      );
      await recorder.begin({ model: 'db.run_sql', decision: 'review', status: 'pending', findingCounts: {} });
      return {
        sessionId: id,
        upstream: 'db',
        tool: 'run_sql',
        maskedArguments: { sql },
        reasons: ['command effect: DROP TABLE customers'],
        principal: alice,
        groupPolicy,
        risk: { score: 90, decision: 'review', reasons: [{ id: 'command.sql.drop_table', points: 90, message: 'command effect: DROP TABLE customers' }] },
        findingCounts: {},
        maskingChanged: false,
        commandArguments: { sql: 'sql' },
        recorder,
        receivedAt: clock.monotonic(),
        waiting: { requestBaseUrl: 'http://gateway.test' },
      };
    };
    // What the decide step writes: the approval decided (its life from now), then the held session.
    const approve = async (id: string, lifeMs = 3600_000) => {
      const decision = { approver: { issuer: 'https://issuer.test', sub: 'carol' }, decision: 'approved', decidedAt: new Date().toISOString() } as const;
      const decided = await stores.approvals.transition(id, ['pending'], { status: 'approved', decision, reuseUntil: new Date(Date.now() + lifeMs).toISOString() });
      expect(decided).toBe(true);
      const sessionId = (await stores.approvals.get(id))!.sessionId;
      await stores.sessions.update(sessionId, { status: 'approved', approval: { approver: 'carol', decision: 'approved', decidedAt: decision.decidedAt } }, ['pending']);
    };
    const requestId = (r: CallToolResult) => (r._meta as Record<string, { request_id: string; status: string }>)['airlock/approval']!;
    return { stores, sent, started, gate, call, approve, requestId };
  }

  it('holds the call, starts the workflow for an MCP tool call, and sends nothing before the decision', async () => {
    const { gate, call, sent, started, requestId, stores } = await setup();

    const held = await gate.handleReview(await call('DROP TABLE customers'));

    expect(held.isError).toBe(true);
    expect(requestId(held).status).toBe('pending');
    expect(started).toEqual([{ approvalId: requestId(held).request_id, timeoutSeconds: 3600, kind: 'mcp_tool_call' }]);
    const approval = await stores.approvals.get(requestId(held).request_id);
    expect(approval?.subject).toMatchObject({
      kind: 'mcp_tool_call',
      upstream: 'db',
      tool: 'run_sql',
      effects: ['DROP TABLE customers on db'],
      arguments: [{ name: 'sql', language: 'sql', text: 'DROP TABLE customers' }],
    });
    expect(approval?.requestHash).toBe(toolCallHash(alice, { upstream: 'db', tool: 'run_sql', arguments: { sql: 'DROP TABLE customers' } }));
    expect(sent).toEqual([]);
  });

  it('of many concurrent collections of an approved call, exactly one sends it; later ones get the stored result', async () => {
    const { gate, call, sent, approve, requestId, stores } = await setup();
    const held = requestId(await gate.handleReview(await call('DROP TABLE customers')));
    await approve(held.request_id);

    const answers = await Promise.all(Array.from({ length: 6 }, async () => gate.handleReview(await call('DROP TABLE customers'))));
    const later = await gate.handleReview(await call('DROP TABLE customers'));

    expect(sent).toEqual([{ name: 'run_sql', args: { sql: 'DROP TABLE customers' } }]);
    for (const a of answers) expect(text(a)).toMatch(/^ran DROP TABLE customers$|is being sent now/);
    expect(answers.filter((a) => !a.isError).length).toBeGreaterThanOrEqual(1);
    expect(later.isError).toBeFalsy();
    expect(text(later)).toBe('ran DROP TABLE customers');
    expect((await stores.approvals.get(held.request_id))?.status).toBe('completed');
    expect((await stores.sessions.get((await stores.approvals.get(held.request_id))!.sessionId))?.status).toBe('completed');
  });

  it('never sends a call whose held transcript no longer matches its approval', async () => {
    const { gate, call, sent, approve, requestId, stores } = await setup();
    const held = requestId(await gate.handleReview(await call('DROP TABLE customers')));
    const approval = (await stores.approvals.get(held.request_id))!;
    const stored = (await stores.transcripts.get(approval.requestKey))!;
    // The held call rewritten in place (same key): its SHA-256 no longer matches the approval's.
    await stores.transcripts.put({ ...stored.transcript, request: { upstream: 'db', tool: 'run_sql', arguments: { sql: 'DROP TABLE orders' } } });
    await approve(held.request_id);

    const answer = await gate.handleReview(await call('DROP TABLE customers'));

    expect(sent).toEqual([]);
    expect(answer.isError).toBe(true);
    expect(text(answer)).toContain('request_integrity');
    expect((await stores.approvals.get(held.request_id))?.status).toBe('failed');
  });

  it('holds a call with a progress channel, reporting progress, until the hold runs out, then answers pending', async () => {
    const { gate, call, sent, requestId } = await setup({ holdMs: 400, progressIntervalMs: 100 });
    const progress: Array<{ value: number; total: number; message: string }> = [];
    const reviewed = await call('DROP TABLE customers');

    const answer = await gate.handleReview({
      ...reviewed,
      waiting: { ...reviewed.waiting, progress: async (value, total, message) => void progress.push({ value, total, message }) },
    });

    expect(requestId(answer).status).toBe('pending');
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress[0]!.message).toContain(`request ${requestId(answer).request_id}`);
    expect(progress.every((p) => p.total === 1)).toBe(true);
    expect(sent).toEqual([]);
  });

  it('sends nothing for a caller that went away, and sends it to the next collection', async () => {
    const { gate, call, sent, approve, requestId } = await setup();
    const held = requestId(await gate.handleReview(await call('DROP TABLE customers')));
    await approve(held.request_id);
    const gone = new AbortController();
    gone.abort();
    const reviewed = await call('DROP TABLE customers');

    const abandoned = await gate.handleReview({ ...reviewed, waiting: { ...reviewed.waiting, signal: gone.signal } });
    expect(sent).toEqual([]);
    expect(requestId(abandoned).status).toBe('approved');
    const collected = await gate.handleReview(await call('DROP TABLE customers'));

    expect(collected.isError).toBeFalsy();
    expect(sent).toHaveLength(1);
  });

  it('ends the session failed and sends nothing when the approval cannot be recorded', async () => {
    const { gate, call, sent, started, stores } = await setup({}, { approvalsDown: true });
    const reviewed = await call('DROP TABLE customers');

    await expect(gate.handleReview(reviewed)).rejects.toMatchObject({ code: -32005 });

    expect(sent).toEqual([]);
    expect(started).toEqual([]);
    expect(await stores.sessions.get(reviewed.sessionId)).toMatchObject({ status: 'failed', errorCode: 'approval_unavailable' });
  });

  it('an approved call nobody collected within its approval’s life expires: a later retry is told so, nothing is sent', async () => {
    const { gate, call, sent, started, approve, requestId, stores } = await setup();
    const held = requestId(await gate.handleReview(await call('DROP TABLE customers')));
    await approve(held.request_id, -1000);

    const retry = await gate.handleReview(await call('DROP TABLE customers'));
    const again = await gate.handleReview(await call('DROP TABLE customers'));

    expect(sent).toEqual([]);
    expect(started).toHaveLength(1);
    expect(requestId(retry)).toMatchObject({ request_id: held.request_id, status: 'expired' });
    expect(text(retry)).toMatch(/was approved but not collected before its approval ran out, so it was not sent/);
    expect(requestId(again)).toMatchObject({ request_id: held.request_id, status: 'expired' });
    const approval = await stores.approvals.get(held.request_id);
    expect(approval).toMatchObject({ status: 'expired', errorCode: 'approval_not_collected' });
    expect(await stores.sessions.get(approval!.sessionId)).toMatchObject({ status: 'expired', errorCode: 'approval_not_collected', approval: { decision: 'approved' } });
  });

  describe('the workflow ends an approved call’s life (state-machines/approval.asl.json, run locally)', () => {
    const tokens = new Map<string, string>();
    const taskTokens = new LocalTaskTokens();
    const workflows: LocalApprovalWorkflow[] = [];
    const workflowWith = (collectionWaitMs: number) => (stores: Awaited<ReturnType<typeof openEmbeddedSqliteStores>>) => {
      const records = { approvals: stores.approvals, sessions: stores.sessions, transcripts: stores.transcripts, logger: quiet, clock };
      const pending = LocalApprovalWorkflow.create({
        steps: {
          notify: async ({ approvalId, taskToken }) => void tokens.set(approvalId, taskToken),
          invoke: () => Promise.reject(new Error('an MCP tool call is sent by the gateway')),
          record: (input) => recordOutcome(records, input),
        },
        tokens: taskTokens,
        logger: quiet,
        retryPauseMs: 0,
        collectionWaitMs,
      });
      return { start: async (input: ApprovalExecutionInput) => (await pending.then((w) => (workflows.push(w), w))).start(input) };
    };
    const decide = async (approve: (id: string) => Promise<void>, id: string) => {
      for (let i = 0; i < 100 && !tokens.has(id); i++) await new Promise((r) => setTimeout(r, 10));
      await approve(id);
      await taskTokens.succeed(tokens.get(id)!, { decision: 'approved' });
    };
    const settled = (id: string) => Promise.all(workflows.map((w) => w.settled(id)));

    afterAll(async () => {
      for (const w of workflows) await w.close();
    });

    it('records an approved call expired once its life ran out uncollected; the retry is told so and nothing is sent', async () => {
      const { gate, call, sent, approve, requestId, stores } = await setup({}, {}, workflowWith(50));
      const held = requestId(await gate.handleReview(await call('DROP TABLE customers')));

      await decide(approve, held.request_id);
      await settled(held.request_id);
      const retry = await gate.handleReview(await call('DROP TABLE customers'));

      const approval = await stores.approvals.get(held.request_id);
      expect(approval).toMatchObject({ status: 'expired', errorCode: 'approval_not_collected' });
      expect(await stores.sessions.get(approval!.sessionId)).toMatchObject({ status: 'expired', errorCode: 'approval_not_collected' });
      expect(requestId(retry)).toMatchObject({ request_id: held.request_id, status: 'expired' });
      expect(sent).toEqual([]);
    });

    it('leaves a call collected within its life as it was: completed, sent once', async () => {
      const { gate, call, sent, approve, requestId, stores } = await setup({}, {}, workflowWith(300));
      const held = requestId(await gate.handleReview(await call('DROP TABLE customers')));

      await decide(approve, held.request_id);
      const collected = await gate.handleReview(await call('DROP TABLE customers'));
      await settled(held.request_id);

      expect(collected.isError).toBeFalsy();
      expect(sent).toHaveLength(1);
      const approval = await stores.approvals.get(held.request_id);
      expect(approval?.status).toBe('completed');
      expect((await stores.sessions.get(approval!.sessionId))?.status).toBe('completed');
    });
  });

  it('a call with other arguments is not served by the approval', async () => {
    const { gate, call, sent, approve, requestId } = await setup();
    const held = requestId(await gate.handleReview(await call('DROP TABLE customers')));
    await approve(held.request_id);

    const other = await gate.handleReview(await call('DROP TABLE orders'));

    expect(requestId(other)).toMatchObject({ status: 'pending' });
    expect(requestId(other).request_id).not.toBe(held.request_id);
    expect(sent).toEqual([]);
  });
});

describe('the gateway tool prefix', () => {
  it('is reserved: no upstream may be named "airlock"', () => {
    const upstreams = JSON.stringify([{ name: 'airlock', url: 'http://127.0.0.1:1/mcp', groups: ['llm-users'] }]);

    expect(() => readConfig('local', { AIRLOCK_MCP_UPSTREAMS: upstreams })).toThrow(/airlock\.wait_for_approval/);
    expect(() => readConfig('local', { AIRLOCK_MCP_UPSTREAMS: upstreams.replace('"airlock"', '"airlock2"') })).not.toThrow();
  });
});
