import type { Inspector } from '../inspect/types';
import type { GroupPolicy, Policy } from '../inspect/policy';
import type { ChatProvider } from '../providers/types';
import type { AirlockLogger } from '../shared/logger';
import type { SessionStore, TranscriptStore } from '../store/types';

/** Everything a gateway use case reaches outside itself. Lambda, the local runtime and tests each build one. */
export interface GatewayDeps {
  policy: Policy;
  /** The inspector for a caller's effective policy (cached by the caller of this interface). */
  inspectorFor(groupPolicy: GroupPolicy): Inspector;
  provider: ChatProvider;
  sessions: SessionStore;
  transcripts: TranscriptStore;
  logger: AirlockLogger;
  clock: Clock;
  newId(): string;
}

export interface Clock {
  /** Wall time, ms since epoch. */
  now(): number;
  /** Monotonic time for durations. */
  monotonic(): number;
}

export const systemClock: Clock = { now: () => Date.now(), monotonic: () => performance.now() };
