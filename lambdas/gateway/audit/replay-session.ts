import { setTimeout as sleep } from 'node:timers/promises';
import * as z from 'zod';
import { notFound } from '../../shared/errors';
import { SSE_HEADERS, AIRLOCK_HEADERS, type GatewayRequest, type ResponseSink } from '../http';
import type { GatewayDeps } from '../ports';
import { auditAccess } from './access';
import { logRecordRead } from './audit-deps';
import { INTEGRITY_HEADER, readableSession } from './get-session';
import { parseQuery } from './query-params';
import { MAX_REPLAY_SPEED, MIN_REPLAY_SPEED, recordedEvents, replaySchedule } from './replay-schedule';
import { readCheckedTranscript } from './transcript-integrity';

/** Silence longer than this gets an SSE comment, so proxies and API Gateway keep the connection open. */
const KEEP_ALIVE_MS = 15_000;

const replayParams = {
  speed: z.coerce
    .number({ error: `must be a number from ${MIN_REPLAY_SPEED} to ${MAX_REPLAY_SPEED}` })
    .min(MIN_REPLAY_SPEED, { error: `must be a number from ${MIN_REPLAY_SPEED} to ${MAX_REPLAY_SPEED}` })
    .max(MAX_REPLAY_SPEED, { error: `must be a number from ${MIN_REPLAY_SPEED} to ${MAX_REPLAY_SPEED}` })
    .default(1),
};

/**
 * `GET /v1/airlock/sessions/{id}/replay?speed=N`: the recorded (masked) events as SSE, each at its
 * original offset divided by `speed`, then `data: [DONE]`. A transcript that fails its integrity
 * check still replays; the `x-airlock-integrity` header says so.
 */
export async function replaySession(deps: GatewayDeps, req: GatewayRequest, sink: ResponseSink, params: Record<string, string>): Promise<void> {
  const access = auditAccess(deps.policy, req.principal!);
  const { speed } = parseQuery(req.query, replayParams);
  const record = await readableSession(deps, access, params.id);
  const checked = await readCheckedTranscript(deps.transcripts, record);
  logRecordRead(deps, req.principal!, 'replay', record.id, checked.integrity);
  if (!checked.transcript) throw notFound('The transcript of this session');
  const frames = replaySchedule(recordedEvents(record, checked.transcript), speed);

  sink.start(200, {
    ...SSE_HEADERS,
    [AIRLOCK_HEADERS.sessionId]: record.id,
    [INTEGRITY_HEADER]: checked.integrity,
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
