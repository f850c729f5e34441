import { newId } from '../shared/ids';
import type { ChatUpstreams, GatewayAdapters } from '../gateway/compose';
import { systemClock } from '../gateway/ports';
import { policyFromObject } from '../inspect/policy';
import { buildUpstreams } from '../providers/registry';
import type { ConfigOf } from '../shared/config';
import { logger } from '../shared/logger';
import { resolveUpstreams } from '../shared/upstream-config';
import { DynamoApprovalStore } from '../store/approval-store';
import { DynamoSessionStore } from '../store/dynamo-session-store';
import { EventBridgeSessionEvents } from '../store/eventbridge-session-events';
import { S3TranscriptStore } from '../store/s3-transcript-store';
import { DynamoUsageCounters } from '../store/usage-counters';
import { DynamoSessionQueries } from '../store/session-queries';
import { SfnApprovalWorkflow } from './approval-services';
import { loadBundledPolicy } from './bundled-policy';
import { upstreamKeyFromSecret } from './secrets';

/**
 * The adapters of the AWS runtime that inspecting functions use, built from a function's own
 * configuration: DynamoDB and S3 stores, upstreams whose keys live in Secrets Manager, Step
 * Functions, EventBridge. Each Lambda entry point hands them to the composition root
 * (lambdas/gateway/compose.ts). The approval functions' records and pages: approval-adapters.ts.
 */

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

/** The usage counters (the usage table) and the price table, where configured: the proxy's and the approved answers'. */
export function awsUsage(config: { AIRLOCK_USAGE_TABLE?: string | undefined; AIRLOCK_PRICES?: GatewayAdapters['prices'] | undefined }): Pick<GatewayAdapters, 'usage' | 'prices'> {
  return {
    ...(config.AIRLOCK_USAGE_TABLE ? { usage: new DynamoUsageCounters({ tableName: config.AIRLOCK_USAGE_TABLE }) } : {}),
    ...(config.AIRLOCK_PRICES ? { prices: config.AIRLOCK_PRICES } : {}),
  };
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
    policy: loadBundledPolicy(config, policyFromObject),
    providers: upstreams.providers,
    heldCredentials: upstreams.heldCredentials,
    maxJsonDepth: config.AIRLOCK_MAX_JSON_DEPTH,
    sessions,
    transcripts: new S3TranscriptStore({ bucket: config.AIRLOCK_TRANSCRIPT_BUCKET }),
    queries: new DynamoSessionQueries({ tableName: config.AIRLOCK_SESSION_TABLE }),
    ...(config.AIRLOCK_EVENT_BUS_NAME ? { events: new EventBridgeSessionEvents({ eventBusName: config.AIRLOCK_EVENT_BUS_NAME }) } : {}),
    ...(approvals ? { approvals } : {}),
    ...awsUsage(config),
    logger,
    clock: systemClock,
    newId,
  };
}
