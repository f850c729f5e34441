import { ulid } from 'ulid';
import type { ChatProviders, GatewayAdapters } from '../gateway/compose';
import { systemClock } from '../gateway/ports';
import { policyFromObject } from '../inspect/policy';
import { anthropicProvider } from '../providers/anthropic';
import { OpenAICompatibleProvider } from '../providers/openai-compatible';
import type { ConfigOf } from '../shared/config';
import { logger } from '../shared/logger';
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

type UpstreamConfig = ConfigOf<'approval-invoke-upstream'> | ConfigOf<'proxy'>;

/** The upstream keys, each read through its own bounded-lifetime cache; Anthropic's only where that upstream is configured. */
export function upstreamKeys(config: UpstreamConfig) {
  return {
    openai: upstreamKeyFromSecret(config.AIRLOCK_UPSTREAM_SECRET_ARN),
    anthropic: config.AIRLOCK_ANTHROPIC_URL ? upstreamKeyFromSecret(config.AIRLOCK_ANTHROPIC_SECRET_ARN) : undefined,
  };
}

export function awsProviders(config: UpstreamConfig, keys = upstreamKeys(config)): ChatProviders {
  const common = { timeoutMs: config.AIRLOCK_UPSTREAM_TIMEOUT_MS, deadlineMs: config.AIRLOCK_UPSTREAM_DEADLINE_MS, retries: config.AIRLOCK_UPSTREAM_RETRIES };
  return {
    openai: new OpenAICompatibleProvider({ ...common, baseUrl: config.AIRLOCK_UPSTREAM_URL, apiKey: keys.openai }),
    ...(config.AIRLOCK_ANTHROPIC_URL && keys.anthropic ? { anthropic: anthropicProvider({ ...common, baseUrl: config.AIRLOCK_ANTHROPIC_URL, apiKey: keys.anthropic }) } : {}),
  };
}

/** The keys the gateway holds, for exact-match masking of anything an upstream sends back. */
export function heldCredentialsOf(keys: ReturnType<typeof upstreamKeys>): () => Promise<string[]> {
  return async () => {
    const values = await Promise.all([keys.openai(), keys.anthropic?.()]);
    return values.filter((k): k is string => typeof k === 'string' && k.length > 0);
  };
}

/** The proxy function's adapters; the approval gate is wired when the stack configured the workflow. */
export function awsGatewayAdapters(config: ConfigOf<'proxy'>): GatewayAdapters {
  const keys = upstreamKeys(config);
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
    providers: awsProviders(config, keys),
    heldCredentials: heldCredentialsOf(keys),
    maxJsonDepth: config.AIRLOCK_MAX_JSON_DEPTH,
    sessions,
    transcripts: new S3TranscriptStore({ bucket: config.AIRLOCK_TRANSCRIPT_BUCKET }),
    queries: new DynamoSessionQueries({ tableName: config.AIRLOCK_SESSION_TABLE }),
    ...(config.AIRLOCK_EVENT_BUS_NAME ? { events: new EventBridgeSessionEvents({ eventBusName: config.AIRLOCK_EVENT_BUS_NAME }) } : {}),
    ...(approvals ? { approvals } : {}),
    ...(config.AIRLOCK_USAGE_TABLE ? { usage: new DynamoUsageCounters({ tableName: config.AIRLOCK_USAGE_TABLE }) } : {}),
    ...(config.AIRLOCK_PRICES ? { prices: config.AIRLOCK_PRICES } : {}),
    logger,
    clock: systemClock,
    newId: ulid,
  };
}
