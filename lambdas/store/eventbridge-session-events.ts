import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { StoreError, toStoreError } from './store-error';
import type { SessionRecord } from './types';

/** What SIEM rules match on: `source` and `detail-type` of every session event. */
export const SESSION_EVENT = { source: 'airlock', detailType: 'Airlock Session' } as const;

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
  timings?: SessionRecord['timings'];
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
  if (record.timings) detail.timings = { ...record.timings };
  if (record.transcriptKey) detail.transcript = { key: record.transcriptKey, ...(record.transcriptSha256 ? { sha256: record.transcriptSha256 } : {}) };
  if (record.approval) {
    const { approver, decision, decidedAt } = record.approval;
    detail.approval = { ...(approver ? { approver } : {}), ...(decision ? { decision } : {}), ...(decidedAt ? { decidedAt } : {}) };
  }
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

  async publish(record: SessionRecord): Promise<void> {
    let failed: { ErrorCode?: string } | undefined;
    try {
      const out = await this.client.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: this.eventBusName,
              Source: SESSION_EVENT.source,
              DetailType: SESSION_EVENT.detailType,
              Time: new Date(record.updatedAt),
              Detail: JSON.stringify(sessionEventDetail(record)),
            },
          ],
        }),
      );
      // PutEvents answers 200 even when an entry was refused: the failure is per entry.
      if (out.FailedEntryCount) failed = out.Entries?.find((e) => e.ErrorCode) ?? {};
    } catch (err) {
      throw toStoreError('session.event', err);
    }
    if (failed) {
      const throttled = failed.ErrorCode === 'ThrottlingException';
      throw new StoreError('session.event', throttled ? 'throttled' : 'unavailable', { awsError: failed.ErrorCode ?? 'FailedEntry' });
    }
  }
}
