import { fileURLToPath } from 'node:url';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient, ScanCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = join(REPO, 'cli/bin.mjs');
const run = promisify(execFile);
const LOCAL = { region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } };

/**
 * The real `airlock serve` in a child process, as a user runs it (on the AWS-compatible stores, so
 * the DynamoDB and S3 store code runs end to end): its stdout and stderr are the
 * logs a test can search, its stores are reached through their endpoints.
 */
export interface GatewayProcess {
  apiBaseUrl: string;
  /** The process id (benchmarks read its CPU time and peak RSS from /proc). */
  pid: number;
  dynamoEndpoint: string;
  s3Endpoint: string;
  tableName: string;
  bucket: string;
  /** Everything the process printed so far. */
  output(): string;
  /** The environment the gateway runs with (its data directory, so tokens minted with it are accepted). */
  env(): Record<string, string>;
  /** A token from `airlock token`, as a user mints one. */
  token(sub: string, groups: string[]): Promise<string>;
  /** Runs another `airlock` command as a user would, with this gateway's environment (data directory). */
  cli(args: string[], env?: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Every session item, by id. */
  session(id: string): Promise<Record<string, unknown> | undefined>;
  /** A session once the gateway has completed its record (the answer goes out before the record is completed). */
  settledSession(id: string): Promise<Record<string, unknown> | undefined>;
  /** Every item and every object the gateway stored, as text, once no session is still being recorded: for canary searches. */
  everythingStored(): Promise<string>;
  stop(): Promise<void>;
}

/** `persist`: the records go to the (temporary) data directory as `npm start` keeps them, instead of `--in-memory`. */
export async function startGatewayProcess(env: Record<string, string> = {}, options: { persist?: boolean } = {}): Promise<GatewayProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'airlock-e2e-'));
  const childEnv = { ...process.env, AIRLOCK_PORT: '0', AIRLOCK_DATA_DIR: dataDir, POWERTOOLS_DEV: '', ...env };
  // AIRLOCK_LOCAL_STORES=embedded (benchmarks): the default SQLite store; the record readers below then have no endpoints.
  const embedded = env.AIRLOCK_LOCAL_STORES === 'embedded';
  const storeArgs = embedded ? [] : ['--stores', 'aws-compatible'];
  const child: ChildProcess = spawn(process.execPath, [CLI, 'serve', ...(options.persist ? [] : ['--in-memory']), ...storeArgs], { cwd: REPO, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));

  const started = await new Promise<RegExpMatchArray>((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`airlock serve did not start:\n${output}`)), 30_000);
    const check = () => {
      const m = output.match(/records:\s+(\S+) \(DynamoDB-compatible, (\S+)\), s3:\/\/(\S+) \((\S+)\)/);
      const url = output.match(/Airlock is running at (\S+)/);
      if ((m || (embedded && /records:\s+\S/.test(output))) && url) {
        clearTimeout(timer);
        resolveStart([url[1]!, ...(m ? m.slice(1) : ['', '', '', ''])] as unknown as RegExpMatchArray);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`airlock serve exited with ${code}:\n${output}`)));
  });
  const [apiBaseUrl, tableName, dynamoEndpoint, bucket, s3Endpoint] = started as unknown as string[];
  const dynamo = new DynamoDBClient({ ...LOCAL, endpoint: dynamoEndpoint });
  const s3 = new S3Client({ ...LOCAL, endpoint: s3Endpoint, forcePathStyle: true });
  const session = async (id: string) => {
    const out = await dynamo.send(new GetItemCommand({ TableName: tableName, Key: { id: { S: id } }, ConsistentRead: true }));
    return out.Item ? unmarshall(out.Item) : undefined;
  };

  return {
    apiBaseUrl: apiBaseUrl!,
    pid: child.pid!,
    dynamoEndpoint: dynamoEndpoint!,
    s3Endpoint: s3Endpoint!,
    tableName: tableName!,
    bucket: bucket!,
    output: () => output,
    env: () => Object.fromEntries(Object.entries(childEnv).filter((e): e is [string, string] => typeof e[1] === 'string')),
    async token(sub, groups) {
      const { stdout } = await run(process.execPath, [CLI, 'token', '--sub', sub, '--groups', groups.join(',')], { cwd: REPO, env: childEnv });
      return stdout.trim();
    },
    cli(args, env = {}) {
      return new Promise((resolveRun, reject) => {
        const command = spawn(process.execPath, [CLI, ...args], { cwd: REPO, env: { ...childEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        command.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
        command.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
        command.once('error', reject);
        command.once('close', (code) => resolveRun({ code, stdout, stderr }));
      });
    },
    session,
    async settledSession(id) {
      for (let waited = 0; ; waited += 50) {
        const item = await session(id);
        if (item?.status !== 'in_progress' || waited >= 5_000) return item;
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async everythingStored() {
      const scanAll = async () => {
        const items: Record<string, unknown>[] = [];
        let start: Record<string, unknown> | undefined;
        do {
          const page = await dynamo.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start as never }));
          for (const item of page.Items ?? []) items.push(unmarshall(item));
          start = page.LastEvaluatedKey;
        } while (start);
        return items;
      };
      let items = await scanAll();
      for (let waited = 0; items.some((i) => i.status === 'in_progress') && waited < 5_000; waited += 50) {
        await new Promise((r) => setTimeout(r, 50));
        items = await scanAll();
      }
      const parts = items.map((item) => JSON.stringify(item));
      let token: string | undefined;
      do {
        const list = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
        for (const obj of list.Contents ?? []) {
          const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: obj.Key! }));
          parts.push(await got.Body!.transformToString());
        }
        token = list.NextContinuationToken;
      } while (token);
      return parts.join('\n');
    },
    async stop() {
      dynamo.destroy();
      s3.destroy();
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
