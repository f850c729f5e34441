import { createHash } from 'node:crypto';
import type { Policy } from '../../inspect/policy';
import type { RiskReason } from '../../inspect/types';
import { errorForLog, type AirlockLogger } from '../../shared/logger';
import type { ToolChangeSubject } from '../../store/approval-subject';
import type { ApprovalRequest, ApprovalStatus, ApprovalStore } from '../../store/approval-types';
import { StoreError } from '../../store/store-error';
import type { ApprovalWorkflow } from '../approvals/ports';
import type { Clock } from '../ports';

/** Asks admins to approve a new or changed tool through the approval workflow (the same machine, mail and page as prompts). */
export interface ToolChangeApprovals {
  /** The approval's status, undefined if it does not exist; a pending one past its deadline reads as `expired`. */
  status(id: string): Promise<ApprovalStatus | undefined>;
  /** Creates the approval unless it exists, and starts its workflow. Idempotent by id. */
  request(input: ToolChangeApprovalInput): Promise<void>;
}

export interface ToolChangeApprovalInput {
  id: string;
  /** The `mcp:tools` session that holds the change (its transcript: both definitions, masked). */
  sessionId: string;
  sessionCreatedAt: string;
  requestKey: string;
  requestSha256: string;
  subject: ToolChangeSubject;
  reasons: RiskReason[];
  score: number;
}

/** Who "asks" for a tool change: the upstream itself, so no person is ever the requester (and self-approval never applies). */
export const toolChangeRequester = (upstream: string) => ({ issuer: 'airlock', sub: `mcp-upstream:${upstream}`, groups: [] as string[] });

/**
 * The approval id of a tool change: derived from the upstream, the tool, the fingerprint and the
 * approval it replaces (after a denial's expiry or a failure), so every gateway instance that sees
 * the same change at once asks for the same approval rather than mailing admins twice.
 */
export function toolChangeApprovalId(upstream: string, tool: string, fingerprint: string, replaces?: string): string {
  return `tc-${createHash('sha256').update(JSON.stringify([upstream, tool, fingerprint, replaces ?? ''])).digest('base64url').slice(0, 40)}`;
}

const EXCERPT_CHARS = 2000;

export function workflowToolChangeApprovals(deps: { approvals: ApprovalStore; workflow: ApprovalWorkflow; policy: Policy; clock: Clock; logger: AirlockLogger }): ToolChangeApprovals {
  const settings = () => ({
    approversGroup: deps.policy.mcp?.tool_changes?.approvers_group ?? deps.policy.defaults.approval.approvers_group,
    timeoutSeconds: deps.policy.mcp?.tool_changes?.timeout_seconds ?? deps.policy.defaults.approval.timeout_seconds,
  });
  return {
    async status(id) {
      const approval = await deps.approvals.get(id);
      if (!approval) return undefined;
      return approval.status === 'pending' && deps.clock.now() >= Date.parse(approval.decideBy) ? 'expired' : approval.status;
    },
    async request(input) {
      if (await deps.approvals.get(input.id)) return;
      const now = deps.clock.now();
      const { approversGroup, timeoutSeconds } = settings();
      const decideBy = new Date(now + timeoutSeconds * 1000).toISOString();
      const { subject } = input;
      const approval: ApprovalRequest = {
        id: input.id,
        sessionId: input.sessionId,
        sessionCreatedAt: input.sessionCreatedAt,
        requestHash: createHash('sha256').update(JSON.stringify(['tool-change', subject.upstream, subject.tool, subject.fingerprint])).digest('hex'),
        status: 'pending',
        createdAt: new Date(now).toISOString(),
        updatedAt: new Date(now).toISOString(),
        decideBy,
        reuseUntil: decideBy,
        principal: toolChangeRequester(subject.upstream),
        model: `${subject.upstream}.${subject.tool}`,
        format: 'openai',
        stream: false,
        risk: { score: input.score, reasons: input.reasons },
        findingCounts: {},
        approversGroup,
        selfApproval: false,
        timeoutSeconds,
        promptExcerpt: `${subject.change === 'added' ? 'New tool' : 'Changed tool'} ${subject.upstream}.${subject.tool}, as the upstream lists it now:\n${subject.current}`.slice(0, EXCERPT_CHARS),
        requestKey: input.requestKey,
        requestSha256: input.requestSha256,
        subject,
      };
      try {
        await deps.approvals.create(approval);
      } catch (err) {
        // Another instance asked for the same change first: its approval and workflow stand.
        if (err instanceof StoreError && err.code === 'conflict') return;
        throw err;
      }
      try {
        await deps.workflow.start({ approvalId: approval.id, timeoutSeconds });
      } catch (err) {
        deps.logger.error('tool-change approval workflow could not be started', { approvalId: approval.id, error: errorForLog(err) });
        await deps.approvals.transition(approval.id, ['pending'], { status: 'failed', errorCode: 'workflow_unavailable' }).catch(() => false);
        return;
      }
      deps.logger.info('tool change held for approval', { approvalId: approval.id, upstream: subject.upstream, tool: subject.tool, approversGroup });
    },
  };
}
