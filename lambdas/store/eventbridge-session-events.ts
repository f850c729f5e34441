import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { StoreError, toStoreError } from './store-error';
import type { ApprovalRequest } from './approval-types';
import type { SessionRecord } from './types';

/** What SIEM rules match on: `source` and `detail-type` of every session event. */
export const SESSION_EVENT = { source: 'airlock', detailType: 'Airlock Session' } as const;
/** `detail-type` of approval events (same source): a decision, and how the approval ended. */
export const APPROVAL_EVENT = { source: 'airlock', detailType: 'Airlock Approval' } as const;

export interface EventBridgeSessionEventsOptions {
  /** Bus name or ARN. */
  eventBusName: string;
  /** Defaults to a client from the Lambda environment (region and credentials). */
  client?: EventBridgeClient;
}

/**
 * The `detail` of a session event: an allow-list of metadata. Never prompt or answer text, never a
 * finding's value, never the approver's free-text reason or the caller's email; risk reasons as
 * ids only (their messages are for people reading the record).
 */
export interface SessionEventDetail {
  version: 1;
  id: string;
  time: string;
  updatedAt: string;
  principal: { issuer: string; sub: string; groups: string[]; clientId?: string };
  route: string;
  model?: string;
  stream: boolean;
  decision?: string;
  status: string;
  httpStatus?: number;
  errorCode?: string;
  risk?: { score: number; reasonIds: string[] };
  findingCounts: Record<string, number>;
  usage?: SessionRecord['usage'];
  costUsd?: number;
  timings?: SessionRecord['timings'];
  upstream?: SessionRecord['upstream'];
  transcript?: { key: string; sha256?: string };
  approval?: { approver?: string; decision?: string; decidedAt?: string };
}

export function sessionEventDetail(record: SessionRecord): SessionEventDetail {
  const { issuer, sub, groups, clientId } = record.principal;
  const detail: SessionEventDetail = {
    version: 1,
    id: record.id,
    time: record.createdAt,
    updatedAt: record.updatedAt,
    principal: { issuer, sub, groups: [...groups], ...(clientId ? { clientId } : {}) },
    route: record.route,
    stream: record.stream,
    status: record.status,
    findingCounts: { ...record.findingCounts },
  };
  if (record.model !== undefined) detail.model = record.model;
  if (record.decision !== undefined) detail.decision = record.decision;
  if (record.httpStatus !== undefined) detail.httpStatus = record.httpStatus;
  if (record.errorCode !== undefined) detail.errorCode = record.errorCode;
  if (record.risk) detail.risk = { score: record.risk.score, reasonIds: record.risk.reasons.map((r) => r.id) };
  if (record.usage) detail.usage = { ...record.usage };
  if (record.costUsd !== undefined) detail.costUsd = record.costUsd;
  if (record.timings) detail.timings = { ...record.timings };
  if (record.upstream) detail.upstream = { ...record.upstream };
  if (record.transcriptKey) detail.transcript = { key: record.transcriptKey, ...(record.transcriptSha256 ? { sha256: record.transcriptSha256 } : {}) };
  if (record.approval) {
    const { approver, decision, decidedAt } = record.approval;
    detail.approval = { ...(approver ? { approver } : {}), ...(decision ? { decision } : {}), ...(decidedAt ? { decidedAt } : {}) };
  }
  return detail;
}

/**
 * The `detail` of an approval event: ids, the requester and the approver (issuer and subject), the
 * decision and its time, risk score and reason ids. Never the approver's reason text, the prompt
 * excerpt or an e-mail address.
 */
export interface ApprovalEventDetail {
  version: 1;
  /** `decided` when an approver decided; otherwise the workflow's outcome. */
  kind: string;
  id: string;
  sessionId: string;
  status: string;
  time: string;
  createdAt: string;
  decideBy: string;
  requester: { issuer: string; sub: string; groups: string[]; clientId?: string };
  approversGroup: string;
  model: string;
  risk: { score: number; reasonIds: string[] };
  decision?: { decision: string; approver: { issuer: string; sub: string }; decidedAt: string };
  errorCode?: string;
  transcript?: { key: string; sha256: string };
}

export function approvalEventDetail(approval: ApprovalRequest, kind: string): ApprovalEventDetail {
  const { issuer, sub, groups, clientId } = approval.principal;
  const detail: ApprovalEventDetail = {
    version: 1,
    kind,
    id: approval.id,
    sessionId: approval.sessionId,
    status: approval.status,
    time: approval.updatedAt,
    createdAt: approval.createdAt,
    decideBy: approval.decideBy,
    requester: { issuer, sub, groups: [...groups], ...(clientId ? { clientId } : {}) },
    approversGroup: approval.approversGroup,
    model: approval.model,
    risk: { score: approval.risk.score, reasonIds: approval.risk.reasons.map((r) => r.id) },
  };
  if (approval.decision) {
    const { decision, approver, decidedAt } = approval.decision;
    detail.decision = { decision, approver: { issuer: approver.issuer, sub: approver.sub }, decidedAt };
  }
  if (approval.errorCode) detail.errorCode = approval.errorCode;
  if (approval.result) detail.transcript = { key: approval.result.transcriptKey, sha256: approval.result.transcriptSha256 };
  return detail;
}

/** Publishes each finished session's metadata to an EventBridge bus, for SIEMs to subscribe to. */
export class EventBridgeSessionEvents {
  private readonly eventBusName: string;
  private readonly client: EventBridgeClient;

  constructor(options: EventBridgeSessionEventsOptions) {
    this.eventBusName = options.eventBusName;
    this.client = options.client ?? new EventBridgeClient({});
  }

  publish(record: SessionRecord): Promise<void> {
    return putEvent(this.client, this.eventBusName, 'session.event', SESSION_EVENT.detailType, record.updatedAt, sessionEventDetail(record));
  }
}

/** Publishes approval decisions and outcomes to the same bus as sessions. */
export class EventBridgeApprovalEvents {
  private readonly eventBusName: string;
  private readonly client: EventBridgeClient;

  constructor(options: EventBridgeSessionEventsOptions) {
    this.eventBusName = options.eventBusName;
    this.client = options.client ?? new EventBridgeClient({});
  }

  publish(approval: ApprovalRequest, kind: string): Promise<void> {
    return putEvent(this.client, this.eventBusName, 'approval.event', APPROVAL_EVENT.detailType, approval.updatedAt, approvalEventDetail(approval, kind));
  }
}

/** One PutEvents entry; a refused entry throws like a failed call. */
export async function putEvent(client: EventBridgeClient, eventBusName: string, operation: string, detailType: string, time: string, detail: unknown): Promise<void> {
  let failed: { ErrorCode?: string } | undefined;
  try {
    const out = await client.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: eventBusName, Source: SESSION_EVENT.source, DetailType: detailType, Time: new Date(time), Detail: JSON.stringify(detail) }],
      }),
    );
    // PutEvents answers 200 even when an entry was refused: the failure is per entry.
    if (out.FailedEntryCount) failed = out.Entries?.find((e) => e.ErrorCode) ?? {};
  } catch (err) {
    throw toStoreError(operation, err);
  }
  if (failed) {
    const throttled = failed.ErrorCode === 'ThrottlingException';
    throw new StoreError(operation, throttled ? 'throttled' : 'unavailable', { awsError: failed.ErrorCode ?? 'FailedEntry' });
  }
}
