import { ApprovalLinkSigner } from '../auth/approval-link';
import type { ApprovalRecordsDeps } from '../gateway/approvals/ports';
import { systemClock } from '../gateway/ports';
import type { ConfigOf } from '../shared/config';
import { logger } from '../shared/logger';
import { DynamoApprovalStore, DynamoTaskTokenStore } from '../store/approval-store';
import { DynamoSessionStore } from '../store/dynamo-session-store';
import { EventBridgeApprovalEvents } from '../store/eventbridge-session-events';
import { S3TranscriptStore } from '../store/s3-transcript-store';
import { linkKeyFromSecret } from './secrets';

/**
 * The AWS adapters of the approval records (every approval function, and the InvokeUpstream step):
 * nothing here reaches the detectors, the inspection engine or the pages, so the functions that
 * never inspect stay free of them (test/infra/bundle-boundaries.test.ts). The pages' adapters:
 * approval-pages-adapters.ts.
 */

type RecordsConfig = ConfigOf<'approval-record-outcome'>;

/** Approval outcomes and decisions to the session event bus, where one is configured. */
export function awsApprovalEvents(config: { AIRLOCK_EVENT_BUS_NAME?: string | undefined }): EventBridgeApprovalEvents | undefined {
  return config.AIRLOCK_EVENT_BUS_NAME ? new EventBridgeApprovalEvents({ eventBusName: config.AIRLOCK_EVENT_BUS_NAME }) : undefined;
}

export function awsRecords(config: Omit<RecordsConfig, 'AIRLOCK_EVENT_BUS_NAME'> & { AIRLOCK_EVENT_BUS_NAME?: string | undefined }): ApprovalRecordsDeps {
  const approvalEvents = awsApprovalEvents(config);
  return {
    ...(approvalEvents ? { approvalEvents } : {}),
    approvals: new DynamoApprovalStore({ tableName: config.AIRLOCK_APPROVAL_TABLE }),
    sessions: new DynamoSessionStore({ tableName: config.AIRLOCK_SESSION_TABLE, ttlDays: config.AIRLOCK_SESSION_TTL_DAYS }),
    transcripts: new S3TranscriptStore({ bucket: config.AIRLOCK_TRANSCRIPT_BUCKET }),
    logger,
    clock: systemClock,
  };
}

export async function awsApprovalLinks(config: { AIRLOCK_APPROVAL_LINK_SECRET_ARN: string }): Promise<ApprovalLinkSigner> {
  return new ApprovalLinkSigner(await linkKeyFromSecret(config.AIRLOCK_APPROVAL_LINK_SECRET_ARN)());
}

export const awsTaskTokens = (config: { AIRLOCK_APPROVAL_TABLE: string }) => new DynamoTaskTokenStore({ tableName: config.AIRLOCK_APPROVAL_TABLE });
