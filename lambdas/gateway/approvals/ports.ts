import type { AirlockLogger } from '../../shared/logger';
import type { ApprovalStore } from '../../store/approval-types';
import type { SessionStore, TranscriptStore } from '../../store/types';
import type { Clock } from '../ports';
import type { ApprovalEventPublisher } from './approval-events';

/** What every approval use case reaches: the approval and session records and the transcripts. */
export interface ApprovalRecordsDeps {
  approvals: ApprovalStore;
  sessions: SessionStore;
  transcripts: TranscriptStore;
  logger: AirlockLogger;
  clock: Clock;
  /** Approval outcomes for SIEMs (the session event bus in AWS). Unset: nothing is published. */
  approvalEvents?: ApprovalEventPublisher;
}

/** Starts the approval state machine for a held request (StartExecution in AWS, the local interpreter locally). */
export interface ApprovalWorkflow {
  start(input: ApprovalExecutionInput): Promise<void>;
}

/** What an execution is started with: ids, the policy's timeout and the approval's kind only, never content. */
export interface ApprovalExecutionInput {
  approvalId: string;
  timeoutSeconds: number;
  /** `mcp_tool_call`: the MCP gateway sends the approved call, so the workflow ends at the decision. Unset: a chat prompt. */
  kind?: 'mcp_tool_call';
}

/** The state machine's input document (see the Comment in state-machines/approval.asl.json). */
export const executionInput = (input: ApprovalExecutionInput) => ({
  Payload: { approvalId: input.approvalId, timeoutSeconds: input.timeoutSeconds, ...(input.kind ? { kind: input.kind } : {}) },
});

/** Resumes a waiting execution (SendTaskSuccess / SendTaskFailure). */
export interface TaskResults {
  succeed(taskToken: string, output: Record<string, unknown>): Promise<void>;
  fail(taskToken: string, error: string, cause: string): Promise<void>;
}

/** Thrown by TaskResults when the execution no longer waits for that token (it timed out or ended). */
export class TaskNoLongerWaiting extends Error {
  override readonly name = 'TaskNoLongerWaiting';
}

/** Delivers the approvers' message (SNS with e-mail subscriptions in AWS, the console locally). */
export interface ApproverNotifier {
  publish(message: ApprovalMessage): Promise<void>;
}

export interface ApprovalMessage {
  approvalId: string;
  /** At most 100 printable ASCII characters (the SNS e-mail subject limit). */
  subject: string;
  text: string;
  /** The signed link to the approval page. */
  link: string;
}

/** The SFN error name of a denial: caught by the state machine's RecordDenied branch. */
export const DENIED_ERROR = 'Airlock.Denied';
