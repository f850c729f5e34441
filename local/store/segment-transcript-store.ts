import { closeSync, fdatasyncSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { StoreError } from '../../lambdas/store/store-error';
import type { StoredTranscript, Transcript, TranscriptStore } from '../../lambdas/store/types';
import type { GroupCommit } from './group-commit';
import type { LocalSyncMode } from './sqlite-database';
import { toLocalStoreError } from './sqlite-store-error';
import { keyAndBytes, parsedTranscript, TRANSCRIPT_KEY } from './transcript-bytes';

/** Where segments live, relative to the data directory: one folder per UTC day they were opened on. */
const SEGMENT = /^transcripts\/segments\/\d{4}-\d{2}-\d{2}\/\d{13}-\d{1,10}-\d{1,10}\.seg$/;
/** A segment past this size is closed and the next transcript opens a new one. */
const SEGMENT_BYTES = 64 * 1024 * 1024;

export interface SegmentTranscriptStoreOptions {
  /** The data directory; segments go under `transcripts/segments/`. */
  directory: string;
  /** The embedded database, which holds the index (table `transcripts`). */
  db: DatabaseSync;
  /** The database's group commit: an index row commits with the session writes of the same turn. */
  writes: GroupCommit;
  sync?: LocalSyncMode;
  clock?: () => Date;
}

interface OpenSegment {
  name: string;
  day: string;
  fd: number;
  size: number;
}

/**
 * Transcripts appended to segment files in the data directory, indexed by key in the database.
 * Creating a file per transcript cost more than the rest of the request's record (a directory
 * entry, an inode and a rename each, ~0.2 ms of kernel time under load, and 10-16% of the
 * gateway's profile); an append to a file already open costs one write.
 *
 * A record in a segment is a header line (`{"key","length","sha256"}`) then exactly the stored
 * bytes and a newline: a segment can be read, or its index rebuilt, without the database. Its
 * index row (segment, offset, length) is written after the bytes, so no row points at bytes not
 * yet written; bytes whose row never committed (a crash between the two) are never read.
 *
 * Durability, as the database's: `normal` (the default) writes into the page cache, which survives
 * `kill -9`; `full` also fdatasyncs the segment before the index row is written, so a power loss
 * cannot lose a transcript whose session says it exists. A data directory written before segments
 * keeps its transcript files: a key without an index row is read from the file at the key.
 */
export class SegmentTranscriptStore implements TranscriptStore {
  private readonly directory: string;
  private readonly writes: GroupCommit;
  private readonly sync: LocalSyncMode;
  private readonly clock: () => Date;
  private readonly insert: StatementSync;
  private readonly lookup: StatementSync;
  private current?: OpenSegment;
  private opened = 0;

  constructor(options: SegmentTranscriptStoreOptions) {
    this.directory = options.directory;
    this.writes = options.writes;
    this.sync = options.sync ?? 'normal';
    this.clock = options.clock ?? (() => new Date());
    this.insert = options.db.prepare('INSERT OR REPLACE INTO transcripts (key, segment, offset, length) VALUES (?, ?, ?, ?)');
    this.lookup = options.db.prepare('SELECT segment, offset, length FROM transcripts WHERE key = ?');
  }

  async put(transcript: Transcript): Promise<StoredTranscript> {
    const { key, body, sha256 } = keyAndBytes(transcript);
    const header = Buffer.from(`${JSON.stringify({ key, length: body.length, sha256 })}\n`, 'utf8');
    let at: { segment: string; offset: number };
    try {
      at = this.append([header, body, NEWLINE], header.length);
    } catch (err) {
      // The segment's end is no longer known: the next transcript starts a new one.
      this.closeSegment();
      throw new StoreError('transcript.put', 'unavailable', { awsError: `fs:${(err as NodeJS.ErrnoException).code ?? 'error'}` });
    }
    try {
      await this.writes.run(() => this.insert.run(key, at.segment, at.offset, body.length));
    } catch (err) {
      throw toLocalStoreError('transcript.put', err);
    }
    return { key, sha256 };
  }

  async get(key: string): Promise<{ transcript: Transcript; sha256: string } | undefined> {
    if (!TRANSCRIPT_KEY.test(key)) return undefined;
    const at = this.locationOf(key);
    if (!at) return this.legacyFile(key);
    const bytes = Buffer.alloc(at.length);
    try {
      const file = await open(at.path, 'r');
      try {
        const { bytesRead } = await file.read(bytes, 0, at.length, at.offset);
        if (bytesRead < at.length) throw new StoreError('transcript.get', 'corrupt');
      } finally {
        await file.close();
      }
    } catch (err) {
      if (err instanceof StoreError) throw err;
      throw new StoreError('transcript.get', (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'corrupt' : 'unavailable', { awsError: `fs:${(err as NodeJS.ErrnoException).code ?? 'error'}` });
    }
    return parsedTranscript(bytes);
  }

  /** Where a key's bytes are: the segment file, offset and length (tests that tamper with a transcript). */
  locationOf(key: string): { path: string; offset: number; length: number } | undefined {
    let row: { segment: string; offset: number; length: number } | undefined;
    try {
      row = this.lookup.get(key) as typeof row;
    } catch (err) {
      throw toLocalStoreError('transcript.get', err);
    }
    if (!row) return undefined;
    if (!SEGMENT.test(row.segment)) throw new StoreError('transcript.get', 'corrupt');
    return { path: join(this.directory, row.segment), offset: row.offset, length: row.length };
  }

  /** Closes the open segment (the store can still be written: the next transcript opens a new one). */
  close(): void {
    this.closeSegment();
  }

  private append(parts: Buffer[], bodyOffset: number): { segment: string; offset: number } {
    const day = this.clock().toISOString().slice(0, 10);
    const length = parts.reduce((n, p) => n + p.length, 0);
    let segment = this.current;
    if (!segment || segment.day !== day || (segment.size > 0 && segment.size + length > SEGMENT_BYTES)) segment = this.openSegment(day);
    const record = Buffer.concat(parts, length);
    for (let written = 0; written < length; ) written += writeSync(segment.fd, record, written, length - written, segment.size + written);
    if (this.sync === 'full') fdatasyncSync(segment.fd);
    const offset = segment.size + bodyOffset;
    segment.size += length;
    return { segment: segment.name, offset };
  }

  private openSegment(day: string): OpenSegment {
    this.closeSegment();
    // Unique without a random draw: the time, this process and a counter ('wx' refuses an existing file).
    const name = `transcripts/segments/${day}/${this.clock().getTime()}-${process.pid}-${++this.opened}.seg`;
    const path = join(this.directory, name);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const fd = openSync(path, 'wx', 0o600);
    if (this.sync === 'full') syncDirectory(dirname(path));
    this.current = { name, day, fd, size: 0 };
    return this.current;
  }

  private closeSegment(): void {
    if (!this.current) return;
    const { fd } = this.current;
    this.current = undefined;
    try {
      closeSync(fd);
    } catch {
      // Already unusable: nothing more to release.
    }
  }

  private async legacyFile(key: string): Promise<{ transcript: Transcript; sha256: string } | undefined> {
    let bytes: Buffer;
    try {
      bytes = await readFile(join(this.directory, key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new StoreError('transcript.get', 'unavailable', { awsError: `fs:${(err as NodeJS.ErrnoException).code ?? 'error'}` });
    }
    return parsedTranscript(bytes);
  }
}

const NEWLINE = Buffer.from('\n');

function syncDirectory(folder: string): void {
  const fd = openSync(folder, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
