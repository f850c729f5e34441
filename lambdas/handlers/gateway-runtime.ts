import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ulid } from 'ulid';
import { ApprovalService } from '../gateway/approvals/approval-gate';
import { cachedInspectorFactory } from '../gateway/inspector-cache';
import { systemClock, type GatewayDeps } from '../gateway/ports';
import { createInspector } from '../inspect/inspector';
import { loadBundledPolicy } from './bundled-policy';
import { anthropicProvider } from '../providers/anthropic';
import { OpenAICompatibleProvider } from '../providers/openai-compatible';
import type { RuntimeConfig } from '../shared/config';
import { logger } from '../shared/logger';
import { DynamoApprovalStore } from '../store/approval-store';
import { DynamoSessionStore } from '../store/dynamo-session-store';
import { EventBridgeSessionEvents } from '../store/eventbridge-session-events';
import { S3TranscriptStore } from '../store/s3-transcript-store';
import { SfnApprovalWorkflow } from './approval-aws';
import { DynamoSessionQueries } from '../store/session-queries';

/**
 * The gateway's dependencies inside Lambda, built once per cold start: the policy bundled next to
 * the code, DynamoDB and S3 stores, and the upstream key read from Secrets Manager on first use.
 */
export function lambdaGatewayDeps(config: RuntimeConfig): GatewayDeps {
  const policy = loadBundledPolicy(config);
  if (!config.AIRLOCK_SESSION_TABLE || !config.AIRLOCK_TRANSCRIPT_BUCKET || !config.AIRLOCK_UPSTREAM_URL) {
    throw new Error('AIRLOCK_SESSION_TABLE, AIRLOCK_TRANSCRIPT_BUCKET and AIRLOCK_UPSTREAM_URL must be set');
  }
  const upstreamKey = secretReader(config.AIRLOCK_UPSTREAM_SECRET_ARN);
  const anthropicKey = secretReader(config.AIRLOCK_ANTHROPIC_SECRET_ARN);
  return {
    policy,
    inspectorFor: cachedInspectorFactory(createInspector),
    heldCredentials: async () =>
      (await Promise.all([upstreamKey(), config.AIRLOCK_ANTHROPIC_URL ? anthropicKey() : undefined])).filter((k): k is string => typeof k === 'string' && k.length > 0),
    provider: new OpenAICompatibleProvider({
      baseUrl: config.AIRLOCK_UPSTREAM_URL,
      apiKey: upstreamKey,
      timeoutMs: config.AIRLOCK_UPSTREAM_TIMEOUT_MS,
      retries: config.AIRLOCK_UPSTREAM_RETRIES,
    }),
    ...(config.AIRLOCK_ANTHROPIC_URL
      ? {
          anthropicProvider: anthropicProvider({
            baseUrl: config.AIRLOCK_ANTHROPIC_URL,
            apiKey: anthropicKey,
            timeoutMs: config.AIRLOCK_UPSTREAM_TIMEOUT_MS,
            retries: config.AIRLOCK_UPSTREAM_RETRIES,
          }),
        }
      : {}),
    sessions: new DynamoSessionStore({ tableName: config.AIRLOCK_SESSION_TABLE, ttlDays: config.AIRLOCK_SESSION_TTL_DAYS }),
    queries: new DynamoSessionQueries({ tableName: config.AIRLOCK_SESSION_TABLE }),
    transcripts: new S3TranscriptStore({ bucket: config.AIRLOCK_TRANSCRIPT_BUCKET }),
    ...(config.AIRLOCK_EVENT_BUS_NAME ? { events: new EventBridgeSessionEvents({ eventBusName: config.AIRLOCK_EVENT_BUS_NAME }) } : {}),
    ...(config.AIRLOCK_APPROVAL_TABLE && config.AIRLOCK_APPROVAL_STATE_MACHINE_ARN
      ? {
          approvals: new ApprovalService({
            approvals: new DynamoApprovalStore({ tableName: config.AIRLOCK_APPROVAL_TABLE }),
            sessions: new DynamoSessionStore({ tableName: config.AIRLOCK_SESSION_TABLE, ttlDays: config.AIRLOCK_SESSION_TTL_DAYS }),
            transcripts: new S3TranscriptStore({ bucket: config.AIRLOCK_TRANSCRIPT_BUCKET }),
            workflow: new SfnApprovalWorkflow(config.AIRLOCK_APPROVAL_STATE_MACHINE_ARN),
            ...(config.AIRLOCK_PUBLIC_BASE_URL ? { publicBaseUrl: config.AIRLOCK_PUBLIC_BASE_URL } : {}),
            logger,
            clock: systemClock,
          }),
        }
      : {}),
    logger,
    clock: systemClock,
    newId: ulid,
  };
}

const secrets = new SecretsManagerClient({});

/** The secret holds the key as a plain string or as JSON `{ "apiKey": "…" }`. Cached for the container's life. */
function secretReader(secretArn: string | undefined): () => Promise<string | undefined> {
  if (!secretArn) return async () => undefined;
  let cached: Promise<string | undefined> | undefined;
  return () => {
    cached ??= secrets
      .send(new GetSecretValueCommand({ SecretId: secretArn }))
      .then((out) => {
        const value = out.SecretString?.trim();
        if (!value) return undefined;
        if (!value.startsWith('{')) return value;
        const parsed = JSON.parse(value) as { apiKey?: unknown };
        return typeof parsed.apiKey === 'string' ? parsed.apiKey : undefined;
      })
      .catch((err: unknown) => {
        cached = undefined;
        throw err;
      });
    return cached;
  };
}
