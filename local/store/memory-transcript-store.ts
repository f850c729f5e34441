import type { StoredTranscript, Transcript, TranscriptStore } from '../../lambdas/store/types';
import { keyAndBytes, parsedTranscript } from './transcript-bytes';

/** `--in-memory`: transcripts kept in this process only, with the same key, bytes and checks. */
export class MemoryTranscriptStore implements TranscriptStore {
  private readonly objects = new Map<string, Buffer>();

  async put(transcript: Transcript): Promise<StoredTranscript> {
    const { key, body, sha256 } = keyAndBytes(transcript);
    this.objects.set(key, body);
    return { key, sha256 };
  }

  async get(key: string): Promise<{ transcript: Transcript; sha256: string } | undefined> {
    const bytes = this.objects.get(key);
    return bytes ? parsedTranscript(bytes) : undefined;
  }

  /** Replaces the stored bytes (tests that tamper with a transcript). */
  overwrite(key: string, bytes: Buffer): void {
    this.objects.set(key, bytes);
  }
}
