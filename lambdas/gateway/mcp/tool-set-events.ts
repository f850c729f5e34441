import { errorForLog, type AirlockLogger } from '../../shared/logger';

/**
 * One change of an upstream's tool set, as audit sees it: metadata only (names, fingerprints,
 * reason ids), never a definition's text.
 *
 * - `accepted`: a tool joined the accepted set without review (the first listing's baseline, or a pin in config);
 * - `quarantined`: a new or changed tool is held (hidden and refused) until an admin approves it;
 * - `approved`: an admin approved a held tool; `denied`: an admin refused it (it stays held);
 * - `restored`: the upstream lists the accepted definition again, so the held one is dropped;
 * - `removed`: the upstream no longer lists the tool (a rename is `removed` + a new tool).
 */
export type ToolSetChangeKind = 'accepted' | 'quarantined' | 'approved' | 'denied' | 'restored' | 'removed';

export interface ToolSetChange {
  kind: ToolSetChangeKind;
  upstream: string;
  tool: string;
  fingerprint?: string;
  previousFingerprint?: string;
  /** How an accepted tool was accepted. */
  by?: 'baseline' | 'pinned' | 'approved';
  reasonIds?: string[];
  approvalId?: string;
}

export interface ToolSetEvent extends ToolSetChange {
  time: string;
  /** The `mcp:tools` session that records the change. */
  sessionId: string;
}

/** Publishes tool-set changes for SIEMs (the session event bus in AWS). */
export interface ToolSetEventPublisher {
  publish(event: ToolSetEvent): Promise<void>;
}

/** Publishes and never throws: the change is already recorded, so a bus failure is logged, not undone. */
export async function publishToolSetEvents(publisher: ToolSetEventPublisher | undefined, logger: AirlockLogger, events: readonly ToolSetEvent[]): Promise<void> {
  if (!publisher) return;
  for (const event of events) {
    try {
      await publisher.publish(event);
    } catch (err) {
      logger.error('tool-set event could not be published', { upstream: event.upstream, tool: event.tool, kind: event.kind, error: errorForLog(err) });
    }
  }
}
