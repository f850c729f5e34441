import { createHash } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, S3Client, type PutObjectCommandInput } from '@aws-sdk/client-s3';
import { transcriptKeyFor } from './schema';
import { StoreError, toStoreError } from './store-error';
import type { StoredTranscript, Transcript, TranscriptStore } from './types';

/** Session ids become part of the object key: no slashes or dots that could escape the prefix. */
const SAFE_ID = /^[0-9A-Za-z_-]{1,128}$/;

export interface S3TranscriptStoreOptions {
  bucket: string;
  /** Defaults to a client from the Lambda environment (region and credentials). */
  client?: S3Client;
  /** When set, objects are written with SSE-KMS under this key (id, ARN or alias). */
  kmsKeyId?: string;
}

/**
 * Transcripts as JSON objects in S3. The SHA-256 returned by `put` is over the exact bytes
 * written and goes into the session record; `get` recomputes it over the bytes it reads, so a
 * rewritten object shows up as a mismatch.
 */
export class S3TranscriptStore implements TranscriptStore {
  private readonly bucket: string;
  private readonly client: S3Client;
  private readonly kmsKeyId?: string;

  constructor(options: S3TranscriptStoreOptions) {
    this.bucket = options.bucket;
    this.client = options.client ?? new S3Client({});
    this.kmsKeyId = options.kmsKeyId;
  }

  async put(transcript: Transcript): Promise<StoredTranscript> {
    const invalid = [
      ...(SAFE_ID.test(transcript.sessionId) ? [] : ['sessionId']),
      ...(transcript.approvalId === undefined || SAFE_ID.test(transcript.approvalId) ? [] : ['approvalId']),
      ...(Number.isNaN(Date.parse(transcript.createdAt)) ? ['createdAt'] : []),
    ];
    if (invalid.length > 0) throw new StoreError('transcript.put', 'invalid', { fields: invalid });
    const key = transcriptKeyFor(transcript);
    const body = Buffer.from(JSON.stringify(transcript), 'utf8');
    const digest = createHash('sha256').update(body).digest();
    const input: PutObjectCommandInput = {
      Bucket: this.bucket,
      Key: key,
      Body: body,
      ContentType: 'application/json',
      // S3 verifies the upload against this digest and rejects a corrupted body.
      ChecksumSHA256: digest.toString('base64'),
      ...(this.kmsKeyId ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: this.kmsKeyId, BucketKeyEnabled: true } : {}),
    };
    try {
      await this.client.send(new PutObjectCommand(input));
    } catch (err) {
      throw toStoreError('transcript.put', err);
    }
    return { key, sha256: digest.toString('hex') };
  }

  async get(key: string): Promise<{ transcript: Transcript; sha256: string } | undefined> {
    let bytes: Uint8Array;
    try {
      const { Body } = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!Body) throw new StoreError('transcript.get', 'corrupt');
      bytes = await Body.transformToByteArray();
    } catch (err) {
      if ((err as { name?: string }).name === 'NoSuchKey') return undefined;
      throw toStoreError('transcript.get', err);
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    try {
      return { transcript: JSON.parse(Buffer.from(bytes).toString('utf8')) as Transcript, sha256 };
    } catch {
      throw new StoreError('transcript.get', 'corrupt');
    }
  }
}
