import { setTimeout as sleep } from 'node:timers/promises';
import * as z from '../../shared/zod';
import type { Principal } from '../../auth/principal';
import { notFound } from '../../shared/errors';
import { SSE_HEADERS, AIRLOCK_HEADERS, type GatewayRequest, type ResponseSink } from '../http';
import type { GatewayDeps } from '../ports';
import { auditAccess } from './access';
import { logRecordRead, type AuditDeps } from './audit-deps';
import { INTEGRITY_HEADER, readableSession } from './get-session';
import { parseQuery } from './query-params';
import { MAX_REPLAY_SPEED, MIN_REPLAY_SPEED, recordedEvents, replaySchedule, type ReplayFrame } from './replay-schedule';
import type { Integrity } from './transcript-integrity';
import { readCheckedTranscript } from './transcript-integrity';

/** Silence longer than this gets an SSE comment, so proxies and API Gateway keep the connection open. */
const KEEP_ALIVE_MS = 15_000;

const replayParams = {
  speed: z._default(
    z.coerce
      .number({ error: `must be a number from ${MIN_REPLAY_SPEED} to ${MAX_REPLAY_SPEED}` })
      .check(
        z.gte(MIN_REPLAY_SPEED, { error: `must be a number from ${MIN_REPLAY_SPEED} to ${MAX_REPLAY_SPEED}` }),
        z.lte(MAX_REPLAY_SPEED, { error: `must be a number from ${MIN_REPLAY_SPEED} to ${MAX_REPLAY_SPEED}` }),
      ),
    1,
  ),
};

/**
 * `GET /v1/airlock/sessions/{id}/replay?speed=N`: the recorded (masked) events as SSE, each at its
 * original offset divided by `speed`, then `data: [DONE]`. A transcript that fails its integrity
 * check still replays; the `x-airlock-integrity` header says so.
 */
export async function replaySession(deps: GatewayDeps, req: GatewayRequest, sink: ResponseSink, params: Record<string, string>): Promise<void> {
  const { sessionId, integrity, speed, frames } = await replayFrames(deps, req.principal!, params.id, req.query);

  sink.start(200, {
    ...SSE_HEADERS,
    [AIRLOCK_HEADERS.sessionId]: sessionId,
    [INTEGRITY_HEADER]: integrity,
    'x-airlock-replay-speed': String(speed),
  });
  const startedAt = deps.clock.monotonic();
  try {
    for (const frame of frames) {
      for (let wait = startedAt + frame.at - deps.clock.monotonic(); wait > 0; wait = startedAt + frame.at - deps.clock.monotonic()) {
        if (wait <= KEEP_ALIVE_MS) {
          await sleep(wait, undefined, { signal: sink.signal });
          break;
        }
        await sleep(KEEP_ALIVE_MS, undefined, { signal: sink.signal });
        await sink.write(': keep-alive\n\n');
      }
      await sink.write(`data: ${frame.data}\n\n`);
    }
    await sink.write('data: [DONE]\n\n');
  } catch (err) {
    if (!sink.signal.aborted) throw err;
  } finally {
    await sink.end().catch(() => undefined);
  }
}

export interface ReplayPlan {
  sessionId: string;
  integrity: Integrity;
  speed: number;
  frames: ReplayFrame[];
}

/** What a replay sends and when (`?speed=`), for the SSE route and for the console's player, which plays it in the page. */
export async function replayFrames(deps: AuditDeps, principal: Principal, id: string | undefined, query: Record<string, string>): Promise<ReplayPlan> {
  const access = auditAccess(deps.policy, principal);
  const { speed } = parseQuery(query, replayParams);
  const record = await readableSession(deps, access, id);
  const checked = await readCheckedTranscript(deps.transcripts, record);
  logRecordRead(deps, principal, 'replay', record.id, checked.integrity);
  if (!checked.transcript) throw notFound('The transcript of this session');
  return { sessionId: record.id, integrity: checked.integrity, speed, frames: replaySchedule(recordedEvents(record, checked.transcript), speed) };
}
