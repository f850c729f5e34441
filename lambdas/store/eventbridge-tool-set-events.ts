import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { ToolSetEvent, ToolSetEventPublisher } from '../gateway/mcp/tool-set-events';
import { putEvent, type EventBridgeSessionEventsOptions } from './eventbridge-session-events';

/** `detail-type` of tool-set changes (same source as sessions): MCP tools accepted, quarantined, approved, removed. */
export const TOOL_SET_EVENT = { source: 'airlock', detailType: 'Airlock Tool Set' } as const;

/** The `detail` of a tool-set event: an allow-list of metadata, never a tool's description or schema. */
export interface ToolSetEventDetail {
  version: 1;
  kind: string;
  time: string;
  upstream: string;
  tool: string;
  sessionId: string;
  fingerprint?: string;
  previousFingerprint?: string;
  by?: string;
  reasonIds?: string[];
  approvalId?: string;
}

export function toolSetEventDetail(event: ToolSetEvent): ToolSetEventDetail {
  const { kind, time, upstream, tool, sessionId, fingerprint, previousFingerprint, by, reasonIds, approvalId } = event;
  return {
    version: 1,
    kind,
    time,
    upstream,
    tool,
    sessionId,
    ...(fingerprint ? { fingerprint } : {}),
    ...(previousFingerprint ? { previousFingerprint } : {}),
    ...(by ? { by } : {}),
    ...(reasonIds?.length ? { reasonIds: [...reasonIds] } : {}),
    ...(approvalId ? { approvalId } : {}),
  };
}

/** Publishes each change of an MCP upstream's tool set to the session event bus. */
export class EventBridgeToolSetEvents implements ToolSetEventPublisher {
  private readonly eventBusName: string;
  private readonly client: EventBridgeClient;

  constructor(options: EventBridgeSessionEventsOptions) {
    this.eventBusName = options.eventBusName;
    this.client = options.client ?? new EventBridgeClient({});
  }

  publish(event: ToolSetEvent): Promise<void> {
    return putEvent(this.client, this.eventBusName, 'toolSet.event', TOOL_SET_EVENT.detailType, event.time, toolSetEventDetail(event));
  }
}
