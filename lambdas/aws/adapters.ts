import { ulid } from 'ulid';
import { ApprovalLinkSigner } from '../auth/approval-link';
import { ApproverSignIn } from '../auth/approval-sign-in';
import { createTokenVerifier } from '../auth/verifier';
import { verifierOptionsFromConfig } from '../auth/verifier-config';
import type { ApprovalPagesAdapters, ChatUpstreams, GatewayAdapters } from '../gateway/compose';
import type { ApprovalRecordsDeps } from '../gateway/approvals/ports';
import { signInPages } from '../gateway/approvals/sign-in-pages';
import { systemClock } from '../gateway/ports';
import { buildUpstreams } from '../providers/registry';
import type { ConfigOf } from '../shared/config';
import { logger } from '../shared/logger';
import { resolveUpstreams } from '../shared/upstream-config';
import { DynamoApprovalStore, DynamoTaskTokenStore } from '../store/approval-store';
import { DynamoSessionStore } from '../store/dynamo-session-store';
import { EventBridgeApprovalEvents, EventBridgeSessionEvents } from '../store/eventbridge-session-events';
import { S3TranscriptStore } from '../store/s3-transcript-store';
import { DynamoSessionQueries } from '../store/session-queries';
import { SfnApprovalWorkflow } from './approval-services';
import { loadBundledPolicy } from './bundled-policy';
import { linkKeyFromSecret, upstreamKeyFromSecret } from './secrets';

/**
 * The adapters of the AWS runtime, built from a function's own configuration: DynamoDB and S3
 * stores, upstreams whose keys live in Secrets Manager, Step Functions, SNS, EventBridge. Each
 * Lambda entry point hands them to the composition root (lambdas/gateway/compose.ts).
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

type UpstreamSettingsOf = ConfigOf<'approval-invoke-upstream'> | ConfigOf<'proxy'>;

/**
 * The chat upstreams with their clients: AIRLOCK_UPSTREAMS, or the single-upstream shorthand. Each
 * key (a Secrets Manager secret) is read through its own bounded-lifetime cache; Bedrock needs none.
 */
export function awsUpstreams(config: UpstreamSettingsOf): { providers: ChatUpstreams; heldCredentials: () => Promise<string[]> } {
  const list = resolveUpstreams(config, { openai: config.AIRLOCK_UPSTREAM_SECRET_ARN, anthropic: config.AIRLOCK_ANTHROPIC_SECRET_ARN });
  if (list.length === 0) throw new Error('invalid configuration: no chat upstream (set AIRLOCK_UPSTREAMS, or AIRLOCK_UPSTREAM_URL and AIRLOCK_UPSTREAM_SECRET_ARN)');
  const keys = new Map<string, () => Promise<string | undefined>>();
  const keyOf = (arn: string) => {
    let key = keys.get(arn);
    if (!key) keys.set(arn, (key = upstreamKeyFromSecret(arn)));
    return key;
  };
  const built = buildUpstreams(list, { timeoutMs: config.AIRLOCK_UPSTREAM_TIMEOUT_MS, deadlineMs: config.AIRLOCK_UPSTREAM_DEADLINE_MS, retries: config.AIRLOCK_UPSTREAM_RETRIES }, keyOf);
  return { providers: { list: built.list, deadlineMs: config.AIRLOCK_UPSTREAM_DEADLINE_MS }, heldCredentials: built.heldCredentials };
}

/** The proxy function's adapters; the approval gate is wired when the stack configured the workflow. */
export function awsGatewayAdapters(config: ConfigOf<'proxy'>): GatewayAdapters {
  const upstreams = awsUpstreams(config);
  const sessions = new DynamoSessionStore({ tableName: config.AIRLOCK_SESSION_TABLE, ttlDays: config.AIRLOCK_SESSION_TTL_DAYS });
  const approvals =
    config.AIRLOCK_APPROVAL_TABLE && config.AIRLOCK_APPROVAL_STATE_MACHINE_ARN
      ? {
          store: new DynamoApprovalStore({ tableName: config.AIRLOCK_APPROVAL_TABLE }),
          workflow: new SfnApprovalWorkflow(config.AIRLOCK_APPROVAL_STATE_MACHINE_ARN),
          publicBaseUrl: config.AIRLOCK_PUBLIC_BASE_URL,
        }
      : undefined;
  return {
    policy: loadBundledPolicy(config),
    providers: upstreams.providers,
    heldCredentials: upstreams.heldCredentials,
    maxJsonDepth: config.AIRLOCK_MAX_JSON_DEPTH,
    sessions,
    transcripts: new S3TranscriptStore({ bucket: config.AIRLOCK_TRANSCRIPT_BUCKET }),
    queries: new DynamoSessionQueries({ tableName: config.AIRLOCK_SESSION_TABLE }),
    ...(config.AIRLOCK_EVENT_BUS_NAME ? { events: new EventBridgeSessionEvents({ eventBusName: config.AIRLOCK_EVENT_BUS_NAME }) } : {}),
    ...(approvals ? { approvals } : {}),
    logger,
    clock: systemClock,
    newId: ulid,
  };
}

export async function awsApprovalLinks(config: { AIRLOCK_APPROVAL_LINK_SECRET_ARN: string }): Promise<ApprovalLinkSigner> {
  return new ApprovalLinkSigner(await linkKeyFromSecret(config.AIRLOCK_APPROVAL_LINK_SECRET_ARN)());
}

/** What the page and decide functions share: the approval records, link key, approver verification and sign-in. */
export async function awsApprovalPagesAdapters(config: ConfigOf<'approval-page'>): Promise<ApprovalPagesAdapters> {
  const links = await awsApprovalLinks(config);
  const approvers = createTokenVerifier(verifierOptionsFromConfig(config));
  const signIn = new ApproverSignIn({ ...config.AIRLOCK_APPROVER_SIGN_IN, publicBaseUrl: config.AIRLOCK_PUBLIC_BASE_URL, links, verifier: approvers });
  const records = awsRecords(config);
  return {
    approvals: records.approvals,
    links,
    approvers,
    signInUrl: (path, switchUser) => signIn.signInUrl(path, switchUser),
    extraPages: signInPages(signIn),
    transcripts: records.transcripts,
    console: {
      audit: {
        policy: loadBundledPolicy(config),
        sessions: records.sessions,
        transcripts: records.transcripts,
        queries: new DynamoSessionQueries({ tableName: config.AIRLOCK_SESSION_TABLE }),
        logger,
        clock: systemClock,
      },
      basePath: new URL(config.AIRLOCK_PUBLIC_BASE_URL).pathname.replace(/\/+$/, ''),
      secureCookies: true,
    },
    logger,
    clock: systemClock,
  };
}

export const awsTaskTokens = (config: { AIRLOCK_APPROVAL_TABLE: string }) => new DynamoTaskTokenStore({ tableName: config.AIRLOCK_APPROVAL_TABLE });
