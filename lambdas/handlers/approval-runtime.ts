import { ApprovalLinkSigner } from '../auth/approval-link';
import type { ApprovalRecordsDeps } from '../gateway/approvals/ports';
import { systemClock } from '../gateway/ports';
import type { RuntimeConfig } from '../shared/config';
import { logger } from '../shared/logger';
import { DynamoApprovalStore } from '../store/approval-store';
import { DynamoSessionStore } from '../store/dynamo-session-store';
import { EventBridgeApprovalEvents } from '../store/eventbridge-session-events';
import { S3TranscriptStore } from '../store/s3-transcript-store';
import { linkKeyFromSecret } from './approval-aws';

/** What the approval functions share inside Lambda, built from the runtime configuration. */
export function required(config: RuntimeConfig, ...names: Array<keyof RuntimeConfig>): void {
  const missing = names.filter((n) => !config[n]);
  if (missing.length) throw new Error(`${missing.join(', ')} must be set`);
}

export function approvalRecords(config: RuntimeConfig): ApprovalRecordsDeps {
  required(config, 'AIRLOCK_APPROVAL_TABLE', 'AIRLOCK_SESSION_TABLE', 'AIRLOCK_TRANSCRIPT_BUCKET');
  return {
    approvals: new DynamoApprovalStore({ tableName: config.AIRLOCK_APPROVAL_TABLE! }),
    sessions: new DynamoSessionStore({ tableName: config.AIRLOCK_SESSION_TABLE!, ttlDays: config.AIRLOCK_SESSION_TTL_DAYS }),
    transcripts: new S3TranscriptStore({ bucket: config.AIRLOCK_TRANSCRIPT_BUCKET! }),
    logger,
    clock: systemClock,
    ...(config.AIRLOCK_EVENT_BUS_NAME ? { approvalEvents: new EventBridgeApprovalEvents({ eventBusName: config.AIRLOCK_EVENT_BUS_NAME }) } : {}),
  };
}

export async function approvalLinks(config: RuntimeConfig): Promise<ApprovalLinkSigner> {
  required(config, 'AIRLOCK_APPROVAL_LINK_SECRET_ARN');
  return new ApprovalLinkSigner(await linkKeyFromSecret(config.AIRLOCK_APPROVAL_LINK_SECRET_ARN!)());
}

/** The public base URL (with the stage path) that links and callbacks point to. */
export function publicBaseUrl(config: RuntimeConfig): string {
  required(config, 'AIRLOCK_PUBLIC_BASE_URL');
  return config.AIRLOCK_PUBLIC_BASE_URL!;
}
