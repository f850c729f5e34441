import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoSessionStore } from '../lambdas/store/dynamo-session-store';
import { S3TranscriptStore } from '../lambdas/store/s3-transcript-store';
import { DynamoSessionQueries } from '../lambdas/store/session-queries';
import { createSessionTable } from '../lambdas/store/table-definition';
import type { SessionQueries, SessionStore, TranscriptStore } from '../lambdas/store/types';
import type { StoreServersWorkerData } from './store-servers-worker';

/**
 * The AWS-compatible stores (`airlock serve --stores aws-compatible`, and tests): dynalite
 * (DynamoDB-compatible, pure Node, no Java) and s3rver (S3-compatible) on loopback, behind the very
 * same DynamoSessionStore and S3TranscriptStore classes that run in Lambda. The local runtime's
 * default is the embedded SQLite store in local/store/.
 */

// Neither package ships type declarations; these are the parts used here.
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  httpServer?: Server;
}
type S3rverConstructor = new (options: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  configureBuckets: { name: string; configs: string[] }[];
}) => S3rverInstance;
type Dynalite = (options: { path?: string; createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => Server;

const require = createRequire(import.meta.url);

/** s3rver's built-in account: it verifies SigV4 signatures against these. */
const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const LOCAL_REGION = 'us-east-1';

export const localDynamoClient = (endpoint: string): DynamoDBClient =>
  new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });

export const localS3Client = (endpoint: string): S3Client =>
  new S3Client({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, forcePathStyle: true });

export interface EmbeddedS3 {
  endpoint: string;
  close(): Promise<void>;
}

/** Starts s3rver on 127.0.0.1 (random port) over `directory`, with `bucket` created if missing. */
export async function startEmbeddedS3(options: { directory: string; bucket: string }): Promise<EmbeddedS3> {
  const S3rver = require('s3rver') as S3rverConstructor;
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: options.directory,
    configureBuckets: [{ name: options.bucket, configs: [] }],
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: async () => {
      const closed = server.close();
      server.httpServer?.closeAllConnections();
      await closed;
    },
  };
}

export interface EmbeddedDynamo {
  endpoint: string;
  close(): Promise<void>;
}

/** Starts dynalite on 127.0.0.1 (random port), in memory or persisted under `path`. */
export async function startEmbeddedDynamo(options: { path?: string } = {}): Promise<EmbeddedDynamo> {
  const dynalite = require('dynalite') as Dynalite;
  const server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: async () => {
      const closed = new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
      server.closeAllConnections();
      await closed;
    },
  };
}

export interface EmbeddedStoresOptions {
  /** Persist sessions and transcripts under this directory (`dynamo/`, `s3/`). Unset: in memory and a temp directory. */
  dataDir?: string;
  tableName?: string;
  bucket?: string;
  ttlDays?: number;
  /** Run the store servers on a worker thread (the local runtime does, so they do not stall the gateway). */
  serversInWorker?: boolean;
}

export interface EmbeddedStores {
  sessions: SessionStore;
  queries: SessionQueries;
  transcripts: TranscriptStore;
  tableName: string;
  bucket: string;
  dynamoEndpoint: string;
  s3Endpoint: string;
  close(): Promise<void>;
}

async function startServersInThread(dynamoPath: string | undefined, s3Directory: string, bucket: string) {
  const dynamo = await startEmbeddedDynamo({ path: dynamoPath });
  const s3 = await startEmbeddedS3({ directory: s3Directory, bucket }).catch(async (err: unknown) => {
    await dynamo.close();
    throw err;
  });
  return { dynamo, s3 };
}

async function startServersInWorker(data: StoreServersWorkerData): Promise<{ dynamo: EmbeddedDynamo; s3: EmbeddedS3 }> {
  // The worker runs TypeScript, so it loads tsx's hooks itself.
  const worker = new Worker(new URL('./store-servers-worker.ts', import.meta.url), { workerData: data, execArgv: ['--import', 'tsx/esm'] });
  const endpoints = await new Promise<{ dynamoEndpoint: string; s3Endpoint: string }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`store servers exited (${code})`)));
  });
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      worker.once('message', () => void worker.terminate().then(() => resolve()));
      worker.postMessage('close');
    }));
  return { dynamo: { endpoint: endpoints.dynamoEndpoint, close }, s3: { endpoint: endpoints.s3Endpoint, close } };
}

export async function startEmbeddedStores(options: EmbeddedStoresOptions = {}): Promise<EmbeddedStores> {
  const tableName = options.tableName ?? 'airlock-sessions';
  const bucket = options.bucket ?? 'airlock-transcripts';
  const s3Directory = options.dataDir ? join(options.dataDir, 's3') : await mkdtemp(join(tmpdir(), 'airlock-s3-'));
  const dynamoPath = options.dataDir ? join(options.dataDir, 'dynamo') : undefined;
  await mkdir(s3Directory, { recursive: true });
  if (dynamoPath) await mkdir(dynamoPath, { recursive: true });

  const { dynamo, s3 } = options.serversInWorker
    ? await startServersInWorker({ ...(dynamoPath ? { dynamoPath } : {}), s3Directory, bucket })
    : await startServersInThread(dynamoPath, s3Directory, bucket);
  const dynamoClient = localDynamoClient(dynamo.endpoint);
  const s3Client = localS3Client(s3.endpoint);

  const close = async () => {
    dynamoClient.destroy();
    s3Client.destroy();
    await Promise.all([dynamo.close(), s3.close()]);
    if (!options.dataDir) await rm(s3Directory, { recursive: true, force: true });
  };

  try {
    await createSessionTable(dynamoClient, tableName);
  } catch (err) {
    await close();
    throw err;
  }

  return {
    sessions: new DynamoSessionStore({ tableName, client: dynamoClient, ttlDays: options.ttlDays ?? 400 }),
    queries: new DynamoSessionQueries({ tableName, client: dynamoClient }),
    transcripts: new S3TranscriptStore({ bucket, client: s3Client }),
    tableName,
    bucket,
    dynamoEndpoint: dynamo.endpoint,
    s3Endpoint: s3.endpoint,
    close,
  };
}
