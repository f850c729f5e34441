import type { ChatFormat, RiskReason } from '../inspect/types';
import type { ToolChangeSubject } from './approval-subject';
import type { TokenUsage } from './types';

/**
 * A prompt held for human approval. Holds masked content only (an excerpt for the approver) and
 * points at the S3 transcript that carries the full masked request the approved call will send.
 */
export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired' | 'completed' | 'failed' | 'executing';

/**
 * What an approval is for, by `kind`. Absent: a chat prompt (approvals recorded before subjects
 * existed). A new kind is one more member of this union and of `approvalSubjectSchema`.
 */
export type ApprovalSubject = ChatPromptSubject | McpToolCallSubject | ToolChangeSubject;

export interface ChatPromptSubject {
  kind: 'chat';
}

/** One masked argument of a held tool call, as the approver's page shows it. */
export interface HeldToolArgument {
  name: string;
  /** Parsed as SQL or shell by the guard: shown as code. */
  language?: 'sql' | 'shell';
  /** The masked value: a string as is, anything else as JSON. */
  text: string;
}

/**
 * An MCP `tools/call` held for approval (status `executing`: the MCP gateway claimed the approved
 * call and is sending it). The call itself is in the held session's transcript (`requestKey`).
 */
export interface McpToolCallSubject {
  kind: 'mcp_tool_call';
  upstream: string;
  tool: string;
  arguments: HeldToolArgument[];
  /** What the parsed commands do, e.g. `DROP TABLE customers on db`. */
  effects: string[];
  /** Masking changed the arguments: the approved call sends the masked ones, as shown. */
  masked: boolean;
  /** Some argument text was cut to keep the item small; the transcript has it all. */
  truncated: boolean;
}

export interface ApprovalIdentity {
  issuer: string;
  sub: string;
  email?: string;
}

export interface ApprovalDecision {
  approver: ApprovalIdentity;
  decision: 'approved' | 'denied';
  /** The approver's note, masked by the same inspector as prompts. */
  reason?: string;
  decidedAt: string;
}

export interface ApprovalResult {
  transcriptKey: string;
  transcriptSha256: string;
  usage?: TokenUsage;
  /** The answer's cost in US dollars (the price table), copied to the held session when it completes. */
  costUsd?: number;
  upstreamMs?: number;
  findingCounts: Record<string, number>;
  finishedAt: string;
}

/** Masked text around the place a risk reason fired: `match` is what the page highlights. */
export interface TriggerExcerpt {
  reasonId: string;
  /** Which message it is in, e.g. `user (message 7 of 9)`. */
  where: string;
  before: string;
  match: string;
  after: string;
}

/** The masked conversation for the decision page: the latest user turn and tool calls in full, the rest collapsed. */
export interface ReviewConversation {
  latestUser: string;
  toolCalls: string[];
  /** Every other message, `role: text` blocks. */
  earlier: string;
  /** Some text was cut to keep the approval item small; the full masked transcript has it all. */
  truncated: boolean;
}

export interface ApprovalRequest {
  /** Opaque, random; the `request_id` callers see and the id in the approver's link. */
  id: string;
  /** The session that was held. */
  sessionId: string;
  sessionCreatedAt: string;
  /** SHA-256 over the caller's key and the canonical masked body: how a re-send finds this approval. */
  requestHash: string;
  status: ApprovalStatus;
  createdAt: string;
  updatedAt: string;
  /** The decision deadline (the policy's approval timeout after `createdAt`). */
  decideBy: string;
  /** Until when a re-send gets this approval's outcome instead of a new approval. */
  reuseUntil: string;
  principal: ApprovalIdentity & { groups: string[]; clientId?: string };
  model: string;
  /** What is held: a chat prompt (also when absent), an MCP tool call, or an upstream's tool change. */
  subject?: ApprovalSubject;
  /** The wire format of the held call: the approved call and its answer use the same. */
  format: ChatFormat;
  /** Whether the held call asked for a stream (a re-send is answered in the form it asks for). */
  stream: boolean;
  risk: { score: number; reasons: RiskReason[] };
  findingCounts: Record<string, number>;
  approversGroup: string;
  selfApproval: boolean;
  timeoutSeconds: number;
  /** Masked prompt text for the approver, truncated. */
  promptExcerpt: string;
  /** Where each risk reason fired: masked excerpts around the triggering text (absent on approvals held before they existed). */
  triggers?: TriggerExcerpt[];
  /** The masked conversation as the decision page lays it out (absent on older approvals). */
  conversation?: ReviewConversation;
  /** The transcript holding the masked request, and its SHA-256 (checked before the approved call). */
  requestKey: string;
  requestSha256: string;
  decision?: ApprovalDecision;
  result?: ApprovalResult;
  /** When the outcome is `failed` or `expired`: a code, never a message. */
  errorCode?: string;
  notifiedAt?: string;
}

export type ApprovalUpdate = Partial<Omit<ApprovalRequest, 'id' | 'sessionId' | 'requestHash' | 'principal' | 'createdAt'>>;

export type RemovableField = 'decision' | 'result' | 'errorCode';

export interface ApprovalStore {
  /** Writes a new approval; fails if the id exists. */
  create(approval: ApprovalRequest): Promise<void>;
  /** Consistent read. */
  get(id: string): Promise<ApprovalRequest | undefined>;
  /** The newest approval for a request hash, read consistently after the index lookup. */
  findLatestByHash(requestHash: string): Promise<ApprovalRequest | undefined>;
  /**
   * Conditional write: applies `update` only if the stored status is one of `from` and, with
   * `undecidedAt`, the decision deadline is still after that time; `remove` deletes optional fields.
   * First writer wins; false otherwise.
   */
  transition(id: string, from: ApprovalStatus[], update: ApprovalUpdate, options?: { undecidedAt?: string; remove?: RemovableField[] }): Promise<boolean>;
}

/** The Step Functions task tokens, by approval id: written by notify, read by decide. Never logged. */
export interface TaskTokenStore {
  put(approvalId: string, taskToken: string, expiresAt: Date): Promise<void>;
  get(approvalId: string): Promise<string | undefined>;
  delete(approvalId: string): Promise<void>;
}
