import { createHash } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { S3TranscriptStore } from '../../../lambdas/store/s3-transcript-store';
import { localS3Client } from '../../../local/embedded-stores';
import { startS3Server, type S3Server } from '../../support/s3-server';
import { sessionRecord, transcriptOf } from './fixtures';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('S3 transcript store (s3rver)', () => {
  let s3: S3Server;
  let client: S3Client;
  let store: S3TranscriptStore;
  const rawBytes = async (key: string) => {
    const { Body } = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
    return Body!.transformToByteArray();
  };

  beforeAll(async () => {
    s3 = await startS3Server();
    client = localS3Client(s3.endpoint);
    store = new S3TranscriptStore({ bucket: s3.bucket, client });
  });

  afterAll(async () => {
    client?.destroy();
    await s3?.stop();
  });

  it('writes the transcript under transcripts/YYYY/MM/DD/<shard>/{id}.json as JSON', async () => {
    const record = sessionRecord({ createdAt: '2026-02-03T23:59:59.999Z' });

    const { key } = await store.put(transcriptOf(record, { messages: [] }));

    const shard = createHash('sha256').update(record.id).digest('hex').slice(0, 2);
    expect(key).toBe(`transcripts/2026/02/03/${shard}/${record.id}.json`);
    const head = await client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }));
    expect(head.ContentType).toBe('application/json');
  });

  it('reads back the transcript with the SHA-256 of the stored bytes', async () => {
    const record = sessionRecord();
    const transcript = {
      ...transcriptOf(record, { messages: [{ role: 'user', content: 'Résumé ✓ [MASKED:aws_access_key_id]' }] }, { id: 'r1' }),
      events: [{ t: 0, data: '{"a":1}' }, { t: 15, data: '[DONE]' }],
    };

    const stored = await store.put(transcript);
    const read = await store.get(stored.key);

    expect(read?.transcript).toEqual(transcript);
    expect(read?.sha256).toBe(stored.sha256);
    expect(stored.sha256).toBe(sha256(await rawBytes(stored.key)));
  });

  it('detects a transcript object rewritten after the fact', async () => {
    const record = sessionRecord();
    const stored = await store.put(transcriptOf(record, { messages: [{ role: 'user', content: 'original' }] }));
    const original = Buffer.from(await rawBytes(stored.key)).toString('utf8');
    const forged = original.replace('original', 'forged!!');

    await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: stored.key, Body: forged, ContentType: 'application/json' }));
    const read = await store.get(stored.key);

    expect(read?.transcript.request).toEqual({ messages: [{ role: 'user', content: 'forged!!' }] });
    expect(read?.sha256).not.toBe(stored.sha256);
    expect(read?.sha256).toBe(sha256(Buffer.from(forged, 'utf8')));
  });

  it('returns undefined for a key that holds no transcript', async () => {
    expect(await store.get(`transcripts/2026/01/01/${sessionRecord().id}.json`)).toBeUndefined();
  });

  it('reports an object that is not JSON as corrupt', async () => {
    const key = `transcripts/2026/01/01/${sessionRecord().id}.json`;
    await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: 'not json' }));

    await expect(store.get(key)).rejects.toMatchObject({ name: 'StoreError', code: 'corrupt' });
  });

  it('refuses a session id that would escape the transcript prefix', async () => {
    const transcript = { ...transcriptOf(sessionRecord(), {}), sessionId: '../../etc/passwd' };

    await expect(store.put(transcript)).rejects.toMatchObject({ name: 'StoreError', code: 'invalid', fields: ['sessionId'] });
  });

  it('asks S3 for SSE-KMS with the given key and for a SHA-256 check of the upload', async () => {
    const headers: Record<string, string>[] = [];
    const kmsClient = localS3Client(s3.endpoint);
    kmsClient.middlewareStack.add(
      (next) => async (args) => {
        headers.push({ ...(args.request as { headers: Record<string, string> }).headers });
        return next(args);
      },
      { step: 'finalizeRequest', name: 'recordHeaders' },
    );
    const kmsStore = new S3TranscriptStore({ bucket: s3.bucket, client: kmsClient, kmsKeyId: 'alias/airlock-transcripts' });

    const stored = await kmsStore.put(transcriptOf(sessionRecord(), { messages: [] }));
    kmsClient.destroy();

    const sent = headers[0]!;
    expect(sent['x-amz-server-side-encryption']).toBe('aws:kms');
    expect(sent['x-amz-server-side-encryption-aws-kms-key-id']).toBe('alias/airlock-transcripts');
    expect(sent['x-amz-checksum-sha256']).toBe(Buffer.from(stored.sha256, 'hex').toString('base64'));
  });
});
