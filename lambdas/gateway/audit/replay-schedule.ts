import type { SessionRecord, Transcript, TranscriptEvent } from '../../store/types';

export interface ReplayFrame {
  /** Milliseconds after the replay starts. */
  at: number;
  /** The SSE data payload, as recorded. */
  data: string;
}

export const MAX_REPLAY_SPEED = 100;
export const MIN_REPLAY_SPEED = 0.1;
/** A replay never runs longer than this: a slower recording is compressed to fit (Lambda and API Gateway limits). */
export const MAX_REPLAY_MS = 5 * 60_000;

/**
 * What a replay sends and when. A streamed session replays its recorded events at their offsets;
 * a plain one sends its response as one event at the time it was answered. An error the caller
 * got is sent last, where it happened.
 */
export function recordedEvents(record: SessionRecord, transcript: Transcript): TranscriptEvent[] {
  // A transcript that failed its integrity check still replays: take only well-formed events from it.
  const events: TranscriptEvent[] = Array.isArray(transcript.events) ? transcript.events.filter((e) => typeof e?.data === 'string') : [];
  const lastAt = () => events.reduce((max, e) => Math.max(max, e.t), 0);
  if (events.length === 0 && transcript.response !== undefined && transcript.response !== null) {
    events.push({ t: record.timings?.totalMs ?? 0, data: JSON.stringify(transcript.response) });
  }
  if (transcript.error) {
    const { status, code } = transcript.error;
    events.push({ t: Math.max(lastAt(), record.timings?.totalMs ?? 0), data: JSON.stringify({ error: { code, status } }) });
  }
  return events;
}

/** Offsets divided by `speed`, in recorded order, scaled down as a whole if they would exceed `maxDurationMs`. */
export function replaySchedule(events: readonly TranscriptEvent[], speed: number, maxDurationMs = MAX_REPLAY_MS): ReplayFrame[] {
  const offsets = events.map((e) => (Number.isFinite(e.t) && e.t > 0 ? e.t / speed : 0));
  const last = Math.max(0, ...offsets);
  const scale = last > maxDurationMs ? maxDurationMs / last : 1;
  let previous = 0;
  return events.map((e, i) => {
    // A stream's events are in order; never send one before the one recorded ahead of it.
    previous = Math.max(previous, offsets[i]! * scale);
    return { at: previous, data: e.data };
  });
}
