import { MAX_REPLAY_MS, recordedEvents, replaySchedule } from '../../../lambdas/gateway/audit/replay-schedule';
import type { SessionRecord, Transcript } from '../../../lambdas/store/types';

const events = (...offsets: number[]) => offsets.map((t, i) => ({ t, data: `e${i}` }));

describe('replay schedule', () => {
  it('divides every offset by the speed', () => {
    const frames = replaySchedule(events(0, 200, 400), 4);

    expect(frames).toEqual([
      { at: 0, data: 'e0' },
      { at: 50, data: 'e1' },
      { at: 100, data: 'e2' },
    ]);
  });

  it('keeps the original timing at speed 1 and slows it down below 1', () => {
    expect(replaySchedule(events(0, 300), 1).map((f) => f.at)).toEqual([0, 300]);
    expect(replaySchedule(events(0, 300), 0.5).map((f) => f.at)).toEqual([0, 600]);
  });

  it('compresses a recording that would run longer than the cap, keeping proportions', () => {
    const frames = replaySchedule(events(0, 60_000, 120_000), 1, 30_000);

    expect(frames.map((f) => f.at)).toEqual([0, 15_000, 30_000]);
  });

  it('caps a replay at five minutes by default', () => {
    const frames = replaySchedule(events(0, 3_600_000), 1);

    expect(frames[1]!.at).toBe(MAX_REPLAY_MS);
  });

  it('never sends an event before the one recorded ahead of it, and treats bad offsets as zero', () => {
    const frames = replaySchedule([{ t: 100, data: 'a' }, { t: 50, data: 'b' }, { t: Number.NaN, data: 'c' }, { t: -5, data: 'd' }], 1);

    expect(frames.map((f) => [f.data, f.at])).toEqual([
      ['a', 100],
      ['b', 100],
      ['c', 100],
      ['d', 100],
    ]);
  });
});

describe('recorded events of a session', () => {
  const record = { timings: { totalMs: 420 } } as SessionRecord;
  const transcript = (fields: Partial<Transcript>): Transcript =>
    ({ version: 1, sessionId: 's', createdAt: '2026-06-01T00:00:00.000Z', route: 'r', principal: { issuer: 'i', sub: 's' }, request: {}, findingCounts: {}, ...fields }) as Transcript;

  it('are the stream events as recorded', () => {
    expect(recordedEvents(record, transcript({ events: events(0, 10) }))).toEqual(events(0, 10));
  });

  it('skip anything that is not a recorded event', () => {
    const forged = transcript({ events: [{ t: 1, data: 'ok' }, { t: 2 }, null, 'x'] as unknown as Transcript['events'] });

    expect(recordedEvents(record, forged)).toEqual([{ t: 1, data: 'ok' }]);
  });

  it('are the whole plain answer at the time it was sent', () => {
    expect(recordedEvents(record, transcript({ response: { id: 'x' } }))).toEqual([{ t: 420, data: '{"id":"x"}' }]);
  });

  it('end with the error the caller got, code and status only', () => {
    const out = recordedEvents(record, transcript({ events: events(0, 500), error: { status: 502, code: 'upstream_error' } }));

    expect(out.at(-1)).toEqual({ t: 500, data: '{"error":{"code":"upstream_error","status":502}}' });
  });
});
