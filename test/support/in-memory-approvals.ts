import { randomBytes } from 'node:crypto';
import { ApprovalLinkSigner } from '../../lambdas/auth/approval-link';
import { APPROVER_COOKIE } from '../../lambdas/gateway/approvals/approver-cookie';
import { ApprovalService } from '../../lambdas/gateway/approvals/approval-gate';
import { approvalPages, type PageHandler } from '../../lambdas/gateway/approvals/approval-pages';
import { invokeApproved } from '../../lambdas/gateway/approvals/invoke-approved';
import type { ApprovalExecutionInput, ApprovalRecordsDeps, ApprovalWorkflow } from '../../lambdas/gateway/approvals/ports';
import type { ApprovalEventPublisher } from '../../lambdas/gateway/approvals/approval-events';
import { recordOutcome, type WorkflowOutcome } from '../../lambdas/gateway/approvals/record-outcome';
import { bufferedSink } from '../../lambdas/aws/buffered-sink';
import type { GatewayRequest } from '../../lambdas/gateway/http';
import { createInspector } from '../../lambdas/inspect';
import type { Policy } from '../../lambdas/inspect/policy';
import type { ApprovalRequest, TaskTokenStore } from '../../lambdas/store/approval-types';
import type { AirlockLogger } from '../../lambdas/shared/logger';
import { InMemoryApprovalStore, type InMemorySessionStore, type InMemoryTranscriptStore } from './in-memory-stores';
import { principal, type ScriptedProvider } from './in-memory-gateway';

/**
 * The approval flow over in-memory stores: the real gate, decision page, InvokeUpstream and
 * RecordOutcome use cases, with the state machine played by the test (it calls `approve`,
 * `invoke`, `record` in the order the ASL would).
 */
export interface InMemoryApprovals {
  approvals: InMemoryApprovalStore;
  started: ApprovalExecutionInput[];
  published: Array<{ approval: ApprovalRequest; outcome: string }>;
  records: ApprovalRecordsDeps;
  /** InvokeUpstream for an approved request. */
  invoke(approvalId: string): Promise<unknown>;
  /** RecordOutcome. */
  record(approvalId: string, outcome: WorkflowOutcome, errorName?: string): Promise<void>;
  /** POST the decision page as a signed-in approver; `onTaskResumed` runs where SendTaskSuccess/Failure would resume the execution. */
  decide(approvalId: string, decision: 'approve' | 'deny', onTaskResumed?: () => Promise<void>): Promise<{ status: number; body: string }>;
}

export function inMemoryApprovals(
  stores: { sessions: InMemorySessionStore; transcripts: InMemoryTranscriptStore; logger: AirlockLogger },
  policy: Policy,
  provider: ScriptedProvider,
): { gate: (s: typeof stores) => ApprovalService; flow: InMemoryApprovals } {
  const approvals = new InMemoryApprovalStore();
  const started: ApprovalExecutionInput[] = [];
  const published: InMemoryApprovals['published'] = [];
  const events: ApprovalEventPublisher = { publish: async (approval, outcome) => void published.push({ approval, outcome }) };
  const clock = { now: () => Date.now(), monotonic: () => performance.now() };
  const records: ApprovalRecordsDeps = { approvals, sessions: stores.sessions, transcripts: stores.transcripts, logger: stores.logger, clock, approvalEvents: events };
  const tokens = new Map<string, string>();
  const workflow: ApprovalWorkflow = {
    start: async (input) => {
      started.push(input);
      tokens.set(input.approvalId, `token-${input.approvalId}`);
    },
  };
  const links = new ApprovalLinkSigner(randomBytes(32));
  const approver = principal('ann-approver', ['approvers']);
  let resume: (() => Promise<void>) | undefined;
  const tokenStore: TaskTokenStore = {
    put: async (id, token) => void tokens.set(id, token),
    get: async (id) => tokens.get(id),
    delete: async (id) => void tokens.delete(id),
  };
  const pages: PageHandler = approvalPages({
    approvals,
    links,
    approvers: { verify: async (token) => (token === 'approver-cookie' ? approver : Promise.reject(new Error('bad token'))) },
    signInUrl: (p) => `/sign-in?return=${encodeURIComponent(p)}`,
    logger: stores.logger,
    clock,
    approvalEvents: events,
    decisions: {
      tokens: tokenStore,
      tasks: { succeed: async () => resume?.(), fail: async () => resume?.() },
      sessions: stores.sessions,
      maskReason: (_a, reason) => reason,
    },
  });

  const flow: InMemoryApprovals = {
    approvals,
    started,
    published,
    records,
    invoke: (approvalId) =>
      invokeApproved(
        { ...records, policy, inspectorFor: (gp) => createInspector(gp), providers: { openai: provider } },
        { approvalId },
      ),
    record: (approvalId, outcome, errorName) => recordOutcome(records, { approvalId, outcome, ...(errorName ? { errorName } : {}) }),
    async decide(approvalId, decision, onTaskResumed) {
      resume = onTaskResumed;
      const link = new URL(links.link('http://airlock.test', approvalId, Date.now() / 1000 + 3600));
      const key = `${approver.issuer}|${approver.sub}`;
      const csrf = links.csrfToken(approvalId, key);
      const sink = bufferedSink();
      const req: GatewayRequest = {
        method: 'POST',
        path: link.pathname,
        query: Object.fromEntries(link.searchParams),
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `${APPROVER_COOKIE}=approver-cookie` },
        body: new URLSearchParams({ csrf, decision }).toString(),
        receivedAt: performance.now(),
      };
      await pages(req, sink);
      const { statusCode: status, body } = sink.result();
      return { status, body };
    },
  };
  return { gate: (s) => new ApprovalService({ ...records, sessions: s.sessions, transcripts: s.transcripts, workflow }), flow };
}
