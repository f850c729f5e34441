import { createHash } from 'node:crypto';
import { transcriptKeyFor } from '../../lambdas/store/schema';
import { StoreError } from '../../lambdas/store/store-error';
import type { Transcript } from '../../lambdas/store/types';

/** Session ids become part of the key: no slashes or dots that could escape the transcript directory. */
const SAFE_ID = /^[0-9A-Za-z_-]{1,128}$/;
/** The only keys the local transcript stores read: what `put` writes (and wrote before the shard segment). */
export const TRANSCRIPT_KEY = /^transcripts\/\d{4}\/\d{2}\/\d{2}\/(?:[0-9a-f]{2}\/)?[0-9A-Za-z_-]{1,128}(\.approved)?\.json$/;

/** A transcript's key, the exact bytes stored and their SHA-256; refuses ids that are not safe in a key. */
export function keyAndBytes(transcript: Transcript): { key: string; body: Buffer; sha256: string } {
  const invalid = [
    ...(SAFE_ID.test(transcript.sessionId) ? [] : ['sessionId']),
    ...(transcript.approvalId === undefined || SAFE_ID.test(transcript.approvalId) ? [] : ['approvalId']),
    ...(Number.isNaN(Date.parse(transcript.createdAt)) ? ['createdAt'] : []),
  ];
  if (invalid.length > 0) throw new StoreError('transcript.put', 'invalid', { fields: invalid });
  const body = Buffer.from(JSON.stringify(transcript), 'utf8');
  return { key: transcriptKeyFor(transcript), body, sha256: createHash('sha256').update(body).digest('hex') };
}

/** Stored bytes back to a transcript, with the SHA-256 of exactly those bytes (the audit check compares it). */
export function parsedTranscript(bytes: Uint8Array): { transcript: Transcript; sha256: string } {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  try {
    return { transcript: JSON.parse(Buffer.from(bytes).toString('utf8')) as Transcript, sha256 };
  } catch {
    throw new StoreError('transcript.get', 'corrupt');
  }
}
