import type { ApprovalRequest, ApprovalStore } from '../../store/approval-types';
import { sleepUntilAborted } from '../../shared/wake-sleep';

/** The most a caller may hold a connection open for a decision (API Gateway's limit is 29 s). */
export const MAX_WAIT_SECONDS = 25;

/** `x-airlock-wait: N` → seconds to wait, capped; absent or invalid → 0. */
export function requestedWaitSeconds(headers: Record<string, string>): number {
  const raw = headers['x-airlock-wait'];
  if (!raw || !/^\s*\d{1,6}\s*$/.test(raw)) return 0;
  return Math.min(Number(raw), MAX_WAIT_SECONDS);
}

const SETTLED = new Set(['completed', 'denied', 'expired', 'failed']);

/**
 * Polls the approval until it settles (an approved one settles once answered), the time is up,
 * or the caller goes away. Returns the last state read.
 */
export async function waitForOutcome(
  store: ApprovalStore,
  approval: ApprovalRequest,
  seconds: number,
  signal: AbortSignal,
  now: () => number,
  pollMs = 250,
): Promise<ApprovalRequest> {
  const deadline = now() + seconds * 1000;
  let current = approval;
  let interval = pollMs;
  while (!SETTLED.has(current.status) && !signal.aborted && now() < deadline) {
    await sleepUntilAborted(Math.min(interval, Math.max(0, deadline - now())), signal);
    interval = Math.min(interval * 1.5, 1000);
    current = (await store.get(current.id)) ?? current;
  }
  return current;
}
