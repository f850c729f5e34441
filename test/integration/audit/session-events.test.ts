import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SessionRecorder } from '../../../lambdas/gateway/session-recorder';
import type { AirlockLogger } from '../../../lambdas/shared/logger';
import { EventBridgeSessionEvents, SESSION_EVENT } from '../../../lambdas/store/eventbridge-session-events';
import { startEmbeddedStores, type EmbeddedStores } from '../../../local/embedded-stores';
import { principal } from './audit-harness';

/**
 * No EventBridge runs on this machine: this endpoint speaks the PutEvents wire protocol (AWS JSON
 * 1.1) well enough for the real SDK client to talk to it, and keeps what it was sent.
 */
interface PutEventsEndpoint {
  url: string;
  received: { headers: IncomingHttpHeaders; body: { Entries: Record<string, unknown>[] } }[];
  /** The next answer: accept, refuse one entry, or fail the call. */
  answer: 'accept' | 'refuse-entry' | 'fail';
  close(): Promise<void>;
}

async function startPutEventsEndpoint(): Promise<PutEventsEndpoint> {
  const endpoint = { received: [], answer: 'accept' } as unknown as PutEventsEndpoint;
  const server: Server = createServer(async (req, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    endpoint.received.push({ headers: req.headers, body: JSON.parse(text) });
    res.setHeader('content-type', 'application/x-amz-json-1.1');
    if (endpoint.answer === 'fail') {
      res.statusCode = 400;
      res.end(JSON.stringify({ __type: 'ResourceNotFoundException', message: 'Event bus airlock-audit does not exist.' }));
    } else if (endpoint.answer === 'refuse-entry') {
      res.end(JSON.stringify({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] }));
    } else {
      res.end(JSON.stringify({ FailedEntryCount: 0, Entries: [{ EventId: `event-${endpoint.received.length}` }] }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  endpoint.close = () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve())));
  return endpoint;
}

describe('session events on EventBridge', () => {
  let endpoint: PutEventsEndpoint;
  let stores: EmbeddedStores;
  let client: EventBridgeClient;
  let publisher: EventBridgeSessionEvents;
  const errors: unknown[] = [];
  const logger: AirlockLogger = { info: () => undefined, warn: () => undefined, debug: () => undefined, error: (...args: unknown[]) => void errors.push(args) };

  beforeAll(async () => {
    [endpoint, stores] = await Promise.all([startPutEventsEndpoint(), startEmbeddedStores()]);
    client = new EventBridgeClient({ endpoint: endpoint.url, region: 'eu-west-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' }, maxAttempts: 1 });
    publisher = new EventBridgeSessionEvents({ eventBusName: 'airlock-audit', client });
  }, 30_000);

  afterAll(async () => {
    client?.destroy();
    await Promise.all([endpoint?.close(), stores?.close()]);
  });

  beforeEach(() => {
    endpoint.received.length = 0;
    endpoint.answer = 'accept';
    errors.length = 0;
  });

  async function finishOneSession(canary: string) {
    const recorder = new SessionRecorder(
      { sessions: stores.sessions, transcripts: stores.transcripts, logger, events: publisher },
      { id: `01EV${Date.now()}${Math.floor(Math.random() * 1e6)}`, principal: principal('alice', ['llm-users']), route: 'POST /v1/chat/completions', createdAt: new Date(), stream: true },
      performance.now(),
      () => performance.now(),
    );
    await recorder.begin({ model: 'gpt-4o', decision: 'allow', status: 'in_progress', risk: { score: 3, reasons: [] }, findingCounts: { email: 1 } });
    recorder.event(JSON.stringify({ choices: [{ delta: { content: `answer ${canary}` } }] }));
    const record = await recorder.finish(
      { status: 'completed', httpStatus: 200, usage: { totalTokens: 12 } },
      { request: { messages: [{ role: 'user', content: `prompt ${canary}` }] } },
    );
    return record;
  }

  it('publishes every finished session to the configured bus, as metadata without prompt or answer text', async () => {
    const canary = `canary-${Math.random().toString(36).slice(2)}`;

    const record = await finishOneSession(canary);

    expect(endpoint.received).toHaveLength(1);
    const { headers, body } = endpoint.received[0]!;
    expect(headers['x-amz-target']).toBe('AWSEvents.PutEvents');
    expect(body.Entries).toHaveLength(1);
    const entry = body.Entries[0]!;
    expect(entry).toMatchObject({ EventBusName: 'airlock-audit', Source: SESSION_EVENT.source, DetailType: SESSION_EVENT.detailType });
    expect(JSON.parse(entry.Detail as string)).toMatchObject({
      id: record.id,
      principal: { sub: 'alice', issuer: record.principal.issuer, groups: ['llm-users'] },
      model: 'gpt-4o',
      decision: 'allow',
      status: 'completed',
      findingCounts: { email: 1 },
      usage: { totalTokens: 12 },
      transcript: { key: record.transcriptKey, sha256: record.transcriptSha256 },
    });
    expect(JSON.stringify(body)).not.toContain(canary);
  });

  it('reports an entry EventBridge refused, without failing the session that was already answered', async () => {
    endpoint.answer = 'refuse-entry';

    const record = await finishOneSession('x');

    expect(record.status).toBe('completed');
    expect(await stores.sessions.get(record.id)).toMatchObject({ status: 'completed' });
    expect(JSON.stringify(errors)).toContain('session event could not be published');
  });

  it('throws a store error naming the AWS error, and nothing of the session, when the bus is unreachable', async () => {
    endpoint.answer = 'fail';
    const record = await finishOneSession('y');

    const error = await publisher.publish(record).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'StoreError', operation: 'session.event', awsError: 'ResourceNotFoundException' });
    expect((error as Error).message).not.toContain(record.id);
  });

  it('throws when EventBridge accepts the call but refuses the entry', async () => {
    endpoint.answer = 'refuse-entry';

    const error = await publisher.publish((await stores.sessions.get((await finishOneSession('z')).id))!).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'StoreError', code: 'unavailable', awsError: 'InternalFailure' });
  });
});
