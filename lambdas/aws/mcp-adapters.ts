import { ulid } from 'ulid';
import type { GatewayAdapters } from '../gateway/compose';
import type { McpDeps } from '../gateway/mcp/upstreams';
import { systemClock } from '../gateway/ports';
import type { ConfigOf } from '../shared/config';
import { logger } from '../shared/logger';
import { DynamoSessionStore } from '../store/dynamo-session-store';
import { EventBridgeSessionEvents } from '../store/eventbridge-session-events';
import { S3TranscriptStore } from '../store/s3-transcript-store';
import { DynamoSessionQueries } from '../store/session-queries';
import { loadBundledPolicy } from './bundled-policy';
import { awsToolPinning } from './mcp-pinning';
import { awsMcpDeps } from './mcp-upstreams';

// Apart from adapters.ts: it imports the MCP SDK client, which the chat proxy's bundle must not carry.
/**
 * The MCP function's adapters: the records as the proxy keeps them (no chat upstream), and the
 * upstream MCP servers with the credentials Airlock holds for them in Secrets Manager.
 */
export function awsMcpAdapters(config: ConfigOf<'mcp'>): Omit<GatewayAdapters, 'providers'> & { mcp: McpDeps } {
  const policy = loadBundledPolicy(config);
  return {
    policy,
    sessions: new DynamoSessionStore({ tableName: config.AIRLOCK_SESSION_TABLE, ttlDays: config.AIRLOCK_SESSION_TTL_DAYS }),
    transcripts: new S3TranscriptStore({ bucket: config.AIRLOCK_TRANSCRIPT_BUCKET }),
    queries: new DynamoSessionQueries({ tableName: config.AIRLOCK_SESSION_TABLE }),
    ...(config.AIRLOCK_EVENT_BUS_NAME ? { events: new EventBridgeSessionEvents({ eventBusName: config.AIRLOCK_EVENT_BUS_NAME }) } : {}),
    maxJsonDepth: config.AIRLOCK_MAX_JSON_DEPTH,
    mcp: { ...awsMcpDeps(config), pinning: awsToolPinning(config, policy) },
    logger,
    clock: systemClock,
    newId: ulid,
  };
}
