import { newId } from '../shared/ids';
import type { GatewayAdapters } from '../gateway/compose';
import type { McpApprovalsAdapters } from '../gateway/compose-mcp';
import type { McpDeps } from '../gateway/mcp/upstreams';
import { systemClock } from '../gateway/ports';
import type { ConfigOf } from '../shared/config';
import { logger } from '../shared/logger';
import { DynamoSessionStore } from '../store/dynamo-session-store';
import { DynamoApprovalStore } from '../store/approval-store';
import { EventBridgeApprovalEvents, EventBridgeSessionEvents } from '../store/eventbridge-session-events';
import { S3TranscriptStore } from '../store/s3-transcript-store';
import { DynamoSessionQueries } from '../store/session-queries';
import { policyFromObject } from '../inspect/policy';
import { loadBundledPolicy } from './bundled-policy';
import { SfnApprovalWorkflow } from './approval-services';
import { awsToolPinning } from './mcp-pinning';
import { awsMcpDeps } from './mcp-upstreams';

// Apart from adapters.ts: it imports the MCP SDK client, which the chat proxy's bundle must not carry.
/**
 * The MCP function's adapters: the records as the proxy keeps them (no chat upstream), and the
 * upstream MCP servers with the credentials Airlock holds for them in Secrets Manager.
 */
export function awsMcpAdapters(config: ConfigOf<'mcp'>): Omit<GatewayAdapters, 'providers' | 'approvals'> & { mcp: McpDeps; mcpApprovals?: McpApprovalsAdapters } {
  const mcpApprovals = awsMcpApprovals(config);
  const policy = loadBundledPolicy(config, policyFromObject);
  return {
    ...(mcpApprovals ? { mcpApprovals } : {}),
    policy,
    sessions: new DynamoSessionStore({ tableName: config.AIRLOCK_SESSION_TABLE, ttlDays: config.AIRLOCK_SESSION_TTL_DAYS }),
    transcripts: new S3TranscriptStore({ bucket: config.AIRLOCK_TRANSCRIPT_BUCKET }),
    queries: new DynamoSessionQueries({ tableName: config.AIRLOCK_SESSION_TABLE }),
    ...(config.AIRLOCK_EVENT_BUS_NAME ? { events: new EventBridgeSessionEvents({ eventBusName: config.AIRLOCK_EVENT_BUS_NAME }) } : {}),
    maxJsonDepth: config.AIRLOCK_MAX_JSON_DEPTH,
    mcp: { ...awsMcpDeps(config, policy.mcp), pinning: awsToolPinning(config, policy) },
    logger,
    clock: systemClock,
    newId,
  };
}

/** Reviewed tool calls: the approval table and the state machine the stack wired (unset: review is refused). */
function awsMcpApprovals(config: ConfigOf<'mcp'>): McpApprovalsAdapters | undefined {
  if (!config.AIRLOCK_APPROVAL_TABLE || !config.AIRLOCK_APPROVAL_STATE_MACHINE_ARN) return undefined;
  return {
    store: new DynamoApprovalStore({ tableName: config.AIRLOCK_APPROVAL_TABLE }),
    workflow: new SfnApprovalWorkflow(config.AIRLOCK_APPROVAL_STATE_MACHINE_ARN),
    ...(config.AIRLOCK_EVENT_BUS_NAME ? { approvalEvents: new EventBridgeApprovalEvents({ eventBusName: config.AIRLOCK_EVENT_BUS_NAME }) } : {}),
    holdMs: (config.AIRLOCK_MCP_APPROVAL_HOLD_SECONDS ?? 240) * 1000,
    progressIntervalMs: config.AIRLOCK_MCP_PROGRESS_INTERVAL_MS ?? 10_000,
    waitMs: (config.AIRLOCK_MCP_WAIT_SECONDS ?? 25) * 1000,
  };
}
