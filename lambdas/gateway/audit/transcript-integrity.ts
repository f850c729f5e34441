import { StoreError } from '../../store/store-error';
import type { SessionRecord, Transcript, TranscriptStore } from '../../store/types';
import { toAuditError } from './audit-deps';

/**
 * `verified`: the bytes in the bucket hash to the SHA-256 recorded in the session item, and for an
 * approved session the held request's transcript hashes to the SHA-256 the exchange records.
 * `mismatch`: they do not (an object was rewritten, no longer parses, or names another session).
 * `missing`: the item names no transcript, or an object is gone.
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
  if (!matches) return { integrity: 'mismatch', transcript: stored.transcript, sha256: stored.sha256 };
  const held = stored.transcript.held ? await heldIntegrity(transcripts, record, stored.transcript) : 'verified';
  return { integrity: held, transcript: stored.transcript, sha256: stored.sha256 };
}

/** The held request behind an approved exchange: its recorded hash, its session, and the very request that was sent. */
async function heldIntegrity(transcripts: TranscriptStore, record: SessionRecord, exchange: Transcript): Promise<Integrity> {
  const ref = exchange.held;
  if (typeof ref?.key !== 'string' || typeof ref.sha256 !== 'string') return 'mismatch';
  let held: Awaited<ReturnType<TranscriptStore['get']>>;
  try {
    held = await transcripts.get(ref.key);
  } catch (err) {
    if (err instanceof StoreError && err.code === 'corrupt') return 'mismatch';
    throw toAuditError(err);
  }
  if (!held) return 'missing';
  if (typeof held.transcript !== 'object' || held.transcript === null) return 'mismatch';
  const sameRequest = JSON.stringify(held.transcript.request) === JSON.stringify(exchange.request);
  return held.sha256 === ref.sha256 && held.transcript.sessionId === record.id && sameRequest ? 'verified' : 'mismatch';
}
