import type { Decision, RiskReason } from '../inspect/types';

/**
 * What the gateway records, and the interfaces it records through. The same interfaces are
 * implemented on DynamoDB + S3 (Lambda, local runtime with embedded stores, tests).
 * A record never holds a prompt, a response or a finding's value: only metadata and counts.
 */

/**
 * Every status a session can have. Final: `completed`, `failed`, `blocked`, `denied`, `expired`,
 * `cancelled` (the caller went away; the transcript holds what was delivered) and `interrupted`
 * (the runtime died mid-call; marked by the sweep). `in_progress`, `pending` and `approved` are not.
 */
export const SESSION_STATUSES = [
  'in_progress',
  'completed',
  'failed',
  'blocked',
  'cancelled',
  'interrupted',
  'pending',
  'approved',
  'denied',
  'expired',
] as const;

export type SessionStatus = (typeof SESSION_STATUSES)[number];

export interface TokenUsage {
  promptTokens?: number;
  completionTokens?: number;
  totalTokens?: number;
}

export interface SessionTimings {
  /** Time spent in Airlock itself (inspection, records), excluding the upstream. */
  overheadMs?: number;
  /** From sending to the upstream to its first byte. */
  upstreamFirstByteMs?: number;
  upstreamMs?: number;
  totalMs?: number;
}

export interface ApprovalRecord {
  approver?: string;
  decision?: 'approved' | 'denied' | 'expired';
  reason?: string;
  decidedAt?: string;
}

export interface SessionRecord {
  id: string;
  createdAt: string;
  updatedAt: string;
  principal: { issuer: string; sub: string; email?: string; groups: string[]; clientId?: string };
  /** e.g. `POST /v1/chat/completions`. */
  route: string;
  model?: string;
  stream: boolean;
  decision?: Decision;
  status: SessionStatus;
  risk?: { score: number; reasons: RiskReason[] };
  findingCounts: Record<string, number>;
  usage?: TokenUsage;
  /** US dollars, from the usage and the price table (AIRLOCK_PRICES); unset without a price for the model. */
  costUsd?: number;
  timings?: SessionTimings;
  transcriptKey?: string;
  transcriptSha256?: string;
  approval?: ApprovalRecord;
  /** Error code when the session failed (never the message of an upstream error). */
  errorCode?: string;
  /** HTTP status returned to the caller. */
  httpStatus?: number;
  /** The chat upstream that answered (or was tried last), and the one it replaced when a fallback was taken. */
  upstream?: { name: string; fallbackFrom?: string };
}

/** Fields a later step may set on a session. */
export type SessionUpdate = Partial<Omit<SessionRecord, 'id' | 'createdAt' | 'principal' | 'route'>>;

export interface SessionStore {
  /** Writes a new session; fails if the id exists. Must succeed before anything is forwarded. */
  create(record: SessionRecord): Promise<void>;
  /**
   * Updates a session. With `expectedStatus` the write happens only if the stored status is one of
   * them (conditional write) and returns false otherwise.
   */
  update(id: string, update: SessionUpdate, expectedStatus?: SessionStatus[]): Promise<boolean>;
  get(id: string): Promise<SessionRecord | undefined>;
}

export interface TranscriptEvent {
  /** Milliseconds since the request arrived. */
  t: number;
  /** The masked SSE data payload as sent to the caller. */
  data: string;
}

/** The S3 transcript: masked request and response, and for streams each event with its offset. */
export interface Transcript {
  version: 1;
  /** The session this transcript belongs to (also for the approved exchange of a held request). */
  sessionId: string;
  /** Set on the approved exchange: the approval that released the held request. */
  approvalId?: string;
  /**
   * Set on the approved exchange: the held request's transcript and its SHA-256. Covered by this
   * transcript's own hash, so the audit check follows it and verifies the held request too.
   */
  held?: StoredTranscript;
  createdAt: string;
  route: string;
  model?: string;
  principal: { issuer: string; sub: string };
  request: unknown;
  response?: unknown;
  events?: TranscriptEvent[];
  findingCounts: Record<string, number>;
  risk?: { score: number; decision: Decision; reasons: RiskReason[] };
  error?: { status: number; code: string };
}

export interface StoredTranscript {
  key: string;
  sha256: string;
}

export interface TranscriptStore {
  /** Writes the transcript under `transcripts/YYYY/MM/DD/<shard>/{id}.json`; returns the key and SHA-256 of the bytes written. */
  put(transcript: Transcript): Promise<StoredTranscript>;
  /** Reads back the exact bytes written and parses them. */
  get(key: string): Promise<{ transcript: Transcript; sha256: string } | undefined>;
}

/** Audit search. Every filter is optional; `from`/`to` are ISO timestamps (inclusive). */
export interface SessionFilter {
  /** The caller's `sub` (byPrincipal index). */
  principal?: string;
  /** Narrows `principal` to one issuer: the same `sub` may exist at two issuers. */
  issuer?: string;
  group?: string;
  /** OAuth client id of machine callers. */
  client?: string;
  model?: string;
  decision?: Decision;
  status?: SessionStatus;
  from?: string;
  to?: string;
  minRisk?: number;
}

export interface PageRequest {
  limit?: number;
  /** Opaque: the `nextCursor` of the previous page, with the same filter. */
  cursor?: string;
}

/** A page may hold fewer than `limit` items (even none) and still have a `nextCursor`. */
export interface SessionPage {
  items: SessionRecord[];
  nextCursor?: string;
}

export interface SessionQueries {
  /** Newest first, served from the table's indexes (never a scan). */
  listSessions(filter: SessionFilter, page?: PageRequest): Promise<SessionPage>;
}
