import { StoreError } from '../../store/store-error';
import type { SessionRecord, Transcript, TranscriptStore } from '../../store/types';
import { toAuditError } from './audit-deps';

/**
 * `verified`: the bytes in the bucket hash to the SHA-256 recorded in the session item.
 * `mismatch`: they do not (the object was rewritten, or no longer parses).
 * `missing`: the item names no transcript, or the object is gone.
 */
export type Integrity = 'verified' | 'mismatch' | 'missing';

export interface CheckedTranscript {
  integrity: Integrity;
  /** The transcript as read, also when it does not match (an auditor should see what is there). */
  transcript?: Transcript;
  /** SHA-256 of the bytes read, when there were any that parsed. */
  sha256?: string;
}

export async function readCheckedTranscript(transcripts: TranscriptStore, record: SessionRecord): Promise<CheckedTranscript> {
  if (!record.transcriptKey || !record.transcriptSha256) return { integrity: 'missing' };
  let stored: Awaited<ReturnType<TranscriptStore['get']>>;
  try {
    stored = await transcripts.get(record.transcriptKey);
  } catch (err) {
    if (err instanceof StoreError && err.code === 'corrupt') return { integrity: 'mismatch' };
    throw toAuditError(err);
  }
  if (!stored) return { integrity: 'missing' };
  // Valid JSON that is not a transcript object (`null`, a number) was not written by Airlock.
  if (typeof stored.transcript !== 'object' || stored.transcript === null) return { integrity: 'mismatch', sha256: stored.sha256 };
  const matches = stored.sha256 === record.transcriptSha256 && stored.transcript.sessionId === record.id;
  return { integrity: matches ? 'verified' : 'mismatch', transcript: stored.transcript, sha256: stored.sha256 };
}
