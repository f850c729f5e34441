import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedS3 } from '../../local/embedded-stores';

/** s3rver on 127.0.0.1 (random port) over a temp directory holding one bucket; `stop` removes it all. */
export interface S3Server {
  endpoint: string;
  bucket: string;
  stop(): Promise<void>;
}

export async function startS3Server(bucket = 'airlock-transcripts-test'): Promise<S3Server> {
  const directory = await mkdtemp(join(tmpdir(), 'airlock-s3rver-'));
  const server = await startEmbeddedS3({ directory, bucket });
  return {
    endpoint: server.endpoint,
    bucket,
    stop: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
