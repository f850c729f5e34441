import { parentPort, workerData } from 'node:worker_threads';
import { startEmbeddedDynamo, startEmbeddedS3 } from './embedded-stores';

/**
 * Runs the embedded DynamoDB- and S3-compatible servers on their own thread, so their work
 * (request parsing, LevelDB, file writes) does not stall the gateway's event loop.
 */
export interface StoreServersWorkerData {
  dynamoPath?: string;
  s3Directory: string;
  bucket: string;
}

const data = workerData as StoreServersWorkerData;
const dynamo = await startEmbeddedDynamo({ path: data.dynamoPath });
const s3 = await startEmbeddedS3({ directory: data.s3Directory, bucket: data.bucket });
parentPort!.postMessage({ dynamoEndpoint: dynamo.endpoint, s3Endpoint: s3.endpoint });
parentPort!.on('message', async (message) => {
  if (message !== 'close') return;
  await Promise.all([dynamo.close(), s3.close()]);
  parentPort!.postMessage('closed');
});
