import { createHash } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { transcriptKeyFor } from '../../lambdas/store/schema';
import { StoreError } from '../../lambdas/store/store-error';
import type { StoredTranscript, Transcript, TranscriptStore } from '../../lambdas/store/types';
import type { LocalSyncMode } from './sqlite-database';

/** Session ids become part of the path: no slashes or dots that could escape the directory. */
const SAFE_ID = /^[0-9A-Za-z_-]{1,128}$/;
/** The only keys this store reads: what `put` writes (and wrote before the shard segment). */
const KEY = /^transcripts\/\d{4}\/\d{2}\/\d{2}\/(?:[0-9a-f]{2}\/)?[0-9A-Za-z_-]{1,128}(\.approved)?\.json$/;

function keyAndBytes(transcript: Transcript): { key: string; body: Buffer; sha256: string } {
  const invalid = [
    ...(SAFE_ID.test(transcript.sessionId) ? [] : ['sessionId']),
    ...(transcript.approvalId === undefined || SAFE_ID.test(transcript.approvalId) ? [] : ['approvalId']),
    ...(Number.isNaN(Date.parse(transcript.createdAt)) ? ['createdAt'] : []),
  ];
  if (invalid.length > 0) throw new StoreError('transcript.put', 'invalid', { fields: invalid });
  const body = Buffer.from(JSON.stringify(transcript), 'utf8');
  return { key: transcriptKeyFor(transcript), body, sha256: createHash('sha256').update(body).digest('hex') };
}

function parsed(bytes: Uint8Array): { transcript: Transcript; sha256: string } {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  try {
    return { transcript: JSON.parse(Buffer.from(bytes).toString('utf8')) as Transcript, sha256 };
  } catch {
    throw new StoreError('transcript.get', 'corrupt');
  }
}

/**
 * Transcripts as files under the data directory, at the S3 key (`transcripts/YYYY/MM/DD/<shard>/{id}.json`,
 * `{id}.approved.json` for an approved exchange).
 * A write goes to a temporary file that is then renamed over the key: a reader, or a restart after
 * `kill -9`, sees the whole old file or the whole new one, never a torn one (the kernel keeps what
 * a killed process wrote). With `sync: 'full'` the file and its directory are also fsynced before
 * `put` returns, so a power loss cannot lose it either; `normal` (the default) leaves that to the
 * kernel, the same bargain as the database's `synchronous=NORMAL` (two fsyncs per transcript cost
 * more than the rest of the request), and writes synchronously. The SHA-256 is over exactly the bytes written.
 * The session item that points at a transcript is written after `put` returns, so a session can
 * never be `completed` with its transcript missing.
 */
export class FileTranscriptStore implements TranscriptStore {
  /** Day folders already created by this process. */
  private readonly folders = new Set<string>();
  private writes = 0;

  constructor(
    private readonly directory: string,
    private readonly sync: LocalSyncMode = 'normal',
  ) {}

  async put(transcript: Transcript): Promise<StoredTranscript> {
    const { key, body, sha256 } = keyAndBytes(transcript);
    const target = join(this.directory, key);
    const folder = dirname(target);
    // Unique without a random draw: one process per data directory (its lock), and a counter.
    const temp = join(folder, `.${transcript.sessionId}.${process.pid}.${++this.writes}.tmp`);
    try {
      if (!this.folders.has(folder)) {
        await mkdir(folder, { recursive: true });
        this.folders.add(folder);
      }
      if (this.sync === 'full') {
        await writeAndSync(temp, body);
        await rename(temp, target);
        await syncDirectory(folder);
      } else {
        // Into the page cache, like the database's own writes on this thread: tens of microseconds,
        // where the same three calls through the promise API cost a third of a millisecond of CPU.
        writeFileSync(temp, body, { flag: 'wx', mode: 0o600 });
        renameSync(temp, target);
      }
    } catch (err) {
      // A folder removed behind this process's back is created again on the next try.
      this.folders.delete(folder);
      await rm(temp, { force: true }).catch(() => undefined);
      throw new StoreError('transcript.put', 'unavailable', { awsError: `fs:${(err as NodeJS.ErrnoException).code ?? 'error'}` });
    }
    return { key, sha256 };
  }

  async get(key: string): Promise<{ transcript: Transcript; sha256: string } | undefined> {
    if (!KEY.test(key)) return undefined;
    let bytes: Buffer;
    try {
      bytes = await readFile(join(this.directory, key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new StoreError('transcript.get', 'unavailable', { awsError: `fs:${(err as NodeJS.ErrnoException).code ?? 'error'}` });
    }
    return parsed(bytes);
  }

  /** The file a key is stored in (tests that tamper with a transcript). */
  pathOf(key: string): string {
    if (!KEY.test(key)) throw new StoreError('transcript.path', 'invalid', { fields: ['key'] });
    return join(this.directory, key);
  }
}

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
    return bytes ? parsed(bytes) : undefined;
  }

  /** Replaces the stored bytes (tests that tamper with a transcript). */
  overwrite(key: string, bytes: Buffer): void {
    this.objects.set(key, bytes);
  }
}

async function writeAndSync(path: string, body: Buffer): Promise<void> {
  const file = await open(path, 'wx', 0o600);
  try {
    await file.writeFile(body);
    await file.sync();
  } finally {
    await file.close();
  }
}

async function syncDirectory(folder: string): Promise<void> {
  const dir = await open(folder, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
