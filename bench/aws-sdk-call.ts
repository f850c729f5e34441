import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SignatureV4 } from '@smithy/signature-v4';
import { startDynamoDbLocal } from '../test/support/dynamodb-local';
import { percentile, round, type Figure } from './stats';

const REGION = 'eu-west-1';
const CREDENTIALS = { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-secret' };
const TABLE = 'bench-sessions';

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData): string | Uint8Array =>
  typeof data === 'string' ? data : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);

/** The SDK's hash interface over node:crypto (SHA-256, or HMAC-SHA-256 with a secret). */
class NodeSha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
}

/**
 * `aws_sdk_put_item_cpu_us` beside `signed_http_put_item_cpu_us`: the CPU one DynamoDB PutItem costs
 * the caller (what every Lambda invocation pays per store call) through a reused `DynamoDBClient`,
 * and through the same SigV4 signer (`@smithy/signature-v4`, what the SDK signs with) over a
 * keep-alive `node:http` agent. Same item, same DynamoDB Local, interleaved rounds of sequential
 * calls; the figure is the median of rounds. AIRLOCK_BENCH_CALLS per round (default 300), 5 rounds.
 */
export async function runAwsSdkCallBench(): Promise<Figure[]> {
  const local = await startDynamoDbLocal();
  try {
    const client = new DynamoDBClient({ region: REGION, endpoint: local.endpoint, credentials: CREDENTIALS });
    await client.send(
      new CreateTableCommand({ TableName: TABLE, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] }),
    );
    const endpoint = new URL(local.endpoint);
    const signer = new SignatureV4({ service: 'dynamodb', region: REGION, credentials: CREDENTIALS, sha256: NodeSha256 });
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    let n = 0;
    const item = () => ({
      id: { S: `01BENCH${String(n++).padStart(19, '0')}` },
      status: { S: 'pending' },
      createdAt: { S: new Date().toISOString() },
      principal: { M: { issuer: { S: 'https://issuer.example.com' }, sub: { S: 'bench' }, groups: { L: [{ S: 'llm-users' }] } } },
      model: { S: 'gpt-4o-mini' },
      request: { S: 'x'.repeat(600) },
    });
    const signedPut = async () => {
      const body = JSON.stringify({ TableName: TABLE, Item: item() });
      const signed = await signer.sign({
        method: 'POST',
        protocol: 'http:',
        hostname: endpoint.hostname,
        port: Number(endpoint.port),
        path: '/',
        query: {},
        headers: { host: endpoint.host, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.PutItem' },
        body,
      });
      await new Promise<void>((resolve, reject) => {
        const req = request({ agent, method: 'POST', hostname: endpoint.hostname, port: endpoint.port, path: '/', headers: { ...signed.headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (d: string) => (text += d));
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`PutItem answered ${res.statusCode}: ${text.slice(0, 200)}`))));
        });
        req.on('error', reject);
        req.end(body);
      });
    };
    const clients: Record<string, () => Promise<unknown>> = {
      aws_sdk: () => client.send(new PutItemCommand({ TableName: TABLE, Item: item() })),
      signed_http: signedPut,
    };
    const calls = Number(process.env.AIRLOCK_BENCH_CALLS ?? 300);
    const perRound: Record<string, number[]> = { aws_sdk: [], signed_http: [] };
    for (const call of Object.values(clients)) for (let i = 0; i < 200; i++) await call();
    for (let r = 0; r < 5; r++) {
      process.stderr.write(`aws-sdk: round ${r + 1}/5\n`);
      for (const [name, call] of Object.entries(clients)) {
        const before = process.cpuUsage();
        for (let i = 0; i < calls; i++) await call();
        const used = process.cpuUsage(before);
        perRound[name]!.push((used.user + used.system) / calls);
      }
    }
    agent.destroy();
    client.destroy();
    return [
      { name: 'aws_sdk_put_item_cpu_us', value: round(percentile(perRound.aws_sdk!, 50), 1), unit: 'us', calls_per_round: calls, rounds: 5 },
      { name: 'signed_http_put_item_cpu_us', value: round(percentile(perRound.signed_http!, 50), 1), unit: 'us', calls_per_round: calls, rounds: 5 },
    ];
  } finally {
    await local.stop();
  }
}
