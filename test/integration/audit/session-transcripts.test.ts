import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { GatewayDeps } from '../../../lambdas/gateway/ports';
import type { AirlockLogger } from '../../../lambdas/shared/logger';
import { createSessionTable } from '../../../lambdas/store/table-definition';
import type { SessionRecord, Transcript } from '../../../lambdas/store/types';
import { localDynamoClient, localS3Client } from '../../../local/embedded-stores';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../support/dynamodb-local';
import { startS3Server, type S3Server } from '../../support/s3-server';
import { auditClient, auditDeps, auditor, ISSUER, principal, type AuditCall } from './audit-harness';

const TABLE = 'audit-transcripts-test';
const alice = principal('alice', ['llm-users']);
const bob = principal('bob', ['llm-users']);
let counter = 0;

const chunk = (content: string) => JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content } }] });

/** A finished session written the way the gateway's recorder writes it: transcript first, then the item with its key and SHA-256. */
async function recordSession(
  deps: GatewayDeps,
  owner: typeof alice,
  content: Partial<Pick<Transcript, 'request' | 'response' | 'events' | 'error'>> = {},
): Promise<SessionRecord> {
  const createdAt = new Date(Date.now() - 60_000 + counter).toISOString();
  const id = `01T${String(++counter).padStart(10, '0')}`;
  const record: SessionRecord = {
    id,
    createdAt,
    updatedAt: createdAt,
    principal: { issuer: owner.issuer, sub: owner.sub, groups: owner.groups },
    route: 'POST /v1/chat/completions',
    model: 'gpt-4o',
    stream: content.events !== undefined,
    decision: 'review',
    status: 'approved',
    risk: { score: 62, reasons: [{ id: 'secret.aws_access_key_id', points: 60, message: 'an AWS access key id was masked' }] },
    findingCounts: { aws_access_key_id: 1, 'response.email': 2 },
    approval: { approver: 'carol', decision: 'approved', reason: 'release work', decidedAt: createdAt },
    timings: { totalMs: 250 },
  };
  const stored = await deps.transcripts.put({
    version: 1,
    sessionId: id,
    createdAt,
    route: record.route,
    model: record.model,
    principal: { issuer: owner.issuer, sub: owner.sub },
    request: content.request ?? { model: 'gpt-4o', messages: [{ role: 'user', content: 'deploy with key [MASKED:aws_access_key_id]' }] },
    ...(content.response !== undefined ? { response: content.response } : {}),
    ...(content.events ? { events: content.events } : {}),
    ...(content.error ? { error: content.error } : {}),
    findingCounts: record.findingCounts,
  });
  const finished = { ...record, status: 'completed' as const, transcriptKey: stored.key, transcriptSha256: stored.sha256 };
  await deps.sessions.create(finished);
  return finished;
}

/** The SSE `data:` payloads of a reply, with the time each arrived. */
function sseData(writes: { at: number; text: string }[]): { at: number; data: string }[] {
  return writes.flatMap((w) => [...w.text.matchAll(/^data: (.*)$/gm)].map((m) => ({ at: w.at, data: m[1]! })));
}

describe('session transcripts, integrity and replay (DynamoDB Local + s3rver)', () => {
  let dynamo: DynamoDbLocal;
  let s3: S3Server;
  let dynamoClient: DynamoDBClient;
  let s3Client: S3Client;
  let deps: GatewayDeps;
  let call: AuditCall;
  const logged: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const log = (level: string) => (message: string, fields: Record<string, unknown> = {}) => void logged.push({ level, message, fields });

  beforeAll(async () => {
    [dynamo, s3] = await Promise.all([startDynamoDbLocal(), startS3Server()]);
    dynamoClient = localDynamoClient(dynamo.endpoint);
    s3Client = localS3Client(s3.endpoint);
    await createSessionTable(dynamoClient, TABLE);
    deps = auditDeps({
      tableName: TABLE,
      bucket: s3.bucket,
      dynamo: dynamoClient,
      s3: s3Client,
      logger: { info: log('info'), warn: log('warn'), error: log('error'), debug: log('debug') } as unknown as AirlockLogger,
    });
    call = auditClient(deps);
  }, 60_000);

  afterAll(async () => {
    dynamoClient?.destroy();
    s3Client?.destroy();
    await Promise.all([dynamo?.stop(), s3?.stop()]);
  });

  describe('reading one session', () => {
    it('returns the record, the masked transcript, findings by type, risk reasons and approval, verified', async () => {
      const session = await recordSession(deps, alice, { response: { choices: [{ message: { role: 'assistant', content: 'done' } }] } });

      const reply = await call(`/v1/airlock/sessions/${session.id}`, { principal: auditor });

      expect(reply.status).toBe(200);
      expect(reply.headers['x-airlock-integrity']).toBe('verified');
      expect(reply.json()).toMatchObject({
        object: 'airlock.session',
        id: session.id,
        integrity: 'verified',
        session: { id: session.id, principal: { sub: 'alice' }, transcriptSha256: session.transcriptSha256 },
        findings: { request: { aws_access_key_id: 1 }, response: { email: 2 } },
        risk: { score: 62, decision: 'review', reasons: [{ id: 'secret.aws_access_key_id' }] },
        approval: { approver: 'carol', decision: 'approved' },
        transcript: {
          sha256: session.transcriptSha256,
          request: { messages: [{ content: 'deploy with key [MASKED:aws_access_key_id]' }] },
          response: { choices: [{ message: { content: 'done' } }] },
        },
      });
    });

    it('puts a streamed answer back together as the caller saw it', async () => {
      const session = await recordSession(deps, alice, { events: [{ t: 5, data: chunk('Hel') }, { t: 9, data: chunk('lo') }] });

      const reply = await call(`/v1/airlock/sessions/${session.id}`, { principal: auditor });

      expect(reply.json()).toMatchObject({ transcript: { responseText: 'Hello', events: [{ t: 5 }, { t: 9 }] } });
    });

    it('detects a transcript object that was rewritten after the fact', async () => {
      const session = await recordSession(deps, alice, { response: { choices: [{ message: { content: 'the original answer' } }] } });
      const forged = JSON.stringify({ version: 1, sessionId: session.id, createdAt: session.createdAt, request: {}, response: 'a different answer', findingCounts: {} });
      await s3Client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: session.transcriptKey, Body: forged }));

      const reply = await call(`/v1/airlock/sessions/${session.id}`, { principal: auditor });

      expect(reply.status).toBe(200);
      expect(reply.headers['x-airlock-integrity']).toBe('mismatch');
      expect(reply.json()).toMatchObject({ integrity: 'mismatch', transcript: { response: 'a different answer', recordedSha256: session.transcriptSha256 } });
    });

    it('logs who read which session, and warns when a transcript fails its check', async () => {
      const intact = await recordSession(deps, alice);
      const tampered = await recordSession(deps, alice);
      await s3Client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: tampered.transcriptKey, Body: '{"version":1}' }));
      logged.length = 0;

      await call(`/v1/airlock/sessions/${intact.id}`, { principal: auditor });
      await call(`/v1/airlock/sessions/${tampered.id}/replay`, { principal: alice, query: { speed: '100' } });

      expect(logged).toEqual([
        { level: 'info', message: 'session record read', fields: { sessionId: intact.id, action: 'show', reader: `${ISSUER}|ada-auditor`, integrity: 'verified' } },
        {
          level: 'warn',
          message: 'session transcript failed its integrity check',
          fields: { sessionId: tampered.id, action: 'replay', reader: `${ISSUER}|alice`, integrity: 'mismatch' },
        },
      ]);
    });

    it.each(['not json at all', 'null', '42'])('reports an object replaced by bytes that are not a transcript (%s) as a mismatch', async (body) => {
      const session = await recordSession(deps, alice);
      await s3Client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: session.transcriptKey, Body: body }));

      const reply = await call(`/v1/airlock/sessions/${session.id}`, { principal: auditor });

      expect(reply.status).toBe(200);
      expect(reply.json()).toMatchObject({ integrity: 'mismatch', transcript: null });
    });

    it('reports a deleted transcript as missing', async () => {
      const session = await recordSession(deps, alice);
      await s3Client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: session.transcriptKey }));

      const reply = await call(`/v1/airlock/sessions/${session.id}`, { principal: auditor });

      expect(reply.json()).toMatchObject({ integrity: 'missing', transcript: null, session: { id: session.id } });
    });

    it('reports a session still in progress (no transcript yet) as missing', async () => {
      const createdAt = new Date().toISOString();
      await deps.sessions.create({
        id: '01TINPROGRESS0',
        createdAt,
        updatedAt: createdAt,
        principal: { issuer: ISSUER, sub: 'alice', groups: ['llm-users'] },
        route: 'POST /v1/chat/completions',
        stream: false,
        status: 'in_progress',
        findingCounts: {},
      });

      const reply = await call('/v1/airlock/sessions/01TINPROGRESS0', { principal: auditor });

      expect(reply.json()).toMatchObject({ integrity: 'missing', transcript: null, session: { status: 'in_progress' } });
    });
  });

  describe('replay', () => {
    it('sends the recorded events at their original offsets divided by speed, then [DONE]', async () => {
      const session = await recordSession(deps, alice, {
        events: [
          { t: 0, data: chunk('one') },
          { t: 200, data: chunk('two') },
          { t: 400, data: chunk('three') },
        ],
      });

      const reply = await call(`/v1/airlock/sessions/${session.id}/replay`, { principal: auditor, query: { speed: '2' } });
      const frames = sseData(reply.writes);
      const first = frames[0]!.at;

      expect(reply.status).toBe(200);
      expect(reply.headers['content-type']).toMatch(/^text\/event-stream/);
      expect(reply.headers['x-airlock-integrity']).toBe('verified');
      expect(frames.map((f) => f.data)).toEqual([chunk('one'), chunk('two'), chunk('three'), '[DONE]']);
      expect(frames[1]!.at - first).toBeGreaterThanOrEqual(100 - 60);
      expect(frames[1]!.at - first).toBeLessThanOrEqual(100 + 60);
      expect(frames[2]!.at - first).toBeGreaterThanOrEqual(200 - 60);
      expect(frames[2]!.at - first).toBeLessThanOrEqual(200 + 60);
    });

    it('replays a plain answer as one event at the time it was answered', async () => {
      const response = { choices: [{ message: { role: 'assistant', content: 'plain' } }] };
      const session = await recordSession(deps, alice, { response });

      const reply = await call(`/v1/airlock/sessions/${session.id}/replay`, { principal: auditor, query: { speed: '10' } });
      const frames = sseData(reply.writes);

      expect(frames.map((f) => f.data)).toEqual([JSON.stringify(response), '[DONE]']);
      expect(frames[0]!.at).toBeGreaterThanOrEqual(250 / 10 - 5);
    });

    it.each(['0', '0.01', '1000', 'fast'])('refuses speed=%s with 400 naming speed', async (speed) => {
      const session = await recordSession(deps, alice);

      const reply = await call(`/v1/airlock/sessions/${session.id}/replay`, { principal: auditor, query: { speed } });

      expect(reply.status).toBe(400);
      expect(reply.json()).toMatchObject({ error: { code: 'invalid_request', param: 'speed' } });
    });

    it('answers 404 for a session whose transcript is gone', async () => {
      const session = await recordSession(deps, alice);
      await s3Client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: session.transcriptKey }));

      const reply = await call(`/v1/airlock/sessions/${session.id}/replay`, { principal: auditor });

      expect(reply.status).toBe(404);
      expect(reply.json()).toMatchObject({ error: { code: 'not_found' } });
    });
  });

  describe('access for each role', () => {
    let alicesSession: SessionRecord;
    beforeAll(async () => {
      alicesSession = await recordSession(deps, alice, { events: [{ t: 0, data: chunk('hi') }] });
    });

    const paths = (id: string) => [`/v1/airlock/sessions/${id}`, `/v1/airlock/sessions/${id}/replay`];

    it('lets an auditor read and replay anyone’s session', async () => {
      for (const path of paths(alicesSession.id)) {
        expect((await call(path, { principal: auditor, query: path.endsWith('replay') ? { speed: '100' } : {} })).status).toBe(200);
      }
    });

    it('lets a requester read and replay their own session', async () => {
      for (const path of paths(alicesSession.id)) {
        expect((await call(path, { principal: alice, query: path.endsWith('replay') ? { speed: '100' } : {} })).status).toBe(200);
      }
    });

    it('answers another requester exactly as if the session did not exist', async () => {
      for (const path of paths(alicesSession.id)) {
        const someoneElses = await call(path, { principal: bob });
        const nonexistent = await call(path.replace(alicesSession.id, '01TNOSUCHSESSION'), { principal: bob });

        expect(someoneElses.status).toBe(404);
        expect(someoneElses.body).toBe(nonexistent.body);
      }
    });

    it('does not let the same sub at another issuer read the session', async () => {
      const impostor = principal('alice', ['llm-users'], 'https://token.actions.githubusercontent.com');

      const reply = await call(`/v1/airlock/sessions/${alicesSession.id}`, { principal: impostor });

      expect(reply.status).toBe(404);
    });

    it('refuses a caller outside the gateway’s groups with 403 forbidden, existing session or not', async () => {
      const outsider = principal('mallory', ['contractors']);
      for (const path of [...paths(alicesSession.id), ...paths('01TNOSUCHSESSION')]) {
        const reply = await call(path, { principal: outsider });

        expect(reply.status).toBe(403);
        expect(reply.json()).toMatchObject({ error: { code: 'forbidden', type: 'permission_error' } });
      }
    });
  });
});
