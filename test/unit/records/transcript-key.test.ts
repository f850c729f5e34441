import { ulid } from 'ulid';
import { transcriptKey } from '../../../lambdas/store/schema';

describe('transcript keys', () => {
  it("spread one day's sessions over 256 prefixes, though their ULIDs are adjacent", () => {
    const createdAt = '2026-12-02T10:00:00.000Z';
    const now = Date.parse(createdAt);
    const prefixes = new Set(Array.from({ length: 4_000 }, (_, i) => transcriptKey(ulid(now + (i % 3)), createdAt).split('/').slice(0, 5).join('/')));

    expect(prefixes.size).toBe(256);
    for (const p of prefixes) expect(p).toMatch(/^transcripts\/2026\/12\/02\/[0-9a-f]{2}$/);
  });

  it('is the same for the same session, and keeps an approved exchange beside the held one', () => {
    const key = transcriptKey('01JSESSION', '2026-06-01T08:00:00.000Z');
    expect(transcriptKey('01JSESSION', '2026-06-01T08:00:00.000Z')).toBe(key);
    expect(transcriptKey('01JSESSION', '2026-06-01T08:00:00.000Z', 'approved')).toBe(key.replace(/\.json$/, '.approved.json'));
  });
});
