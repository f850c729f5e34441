import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { ulid } from 'ulid';
import { bearerToken } from '../../../lambdas/auth/bearer';
import { loadOrCreateDevIssuer, type DevIssuer } from '../../../lambdas/auth/dev-issuer';
import { createTokenVerifier } from '../../../lambdas/auth/verifier';
import type { ApprovalMessage, ApproverNotifier } from '../../../lambdas/gateway/approvals/ports';
import { composeGateway } from '../../../lambdas/gateway/compose';
import { systemClock } from '../../../lambdas/gateway/ports';
import type { Policy } from '../../../lambdas/inspect/policy';
import { parsePolicy } from '../../../lambdas/inspect/policy-yaml';
import { anthropicProvider } from '../../../lambdas/providers/anthropic';
import { OpenAICompatibleProvider } from '../../../lambdas/providers/openai-compatible';
import type { AirlockLogger } from '../../../lambdas/shared/logger';
import { DynamoApprovalStore, DynamoTaskTokenStore } from '../../../lambdas/store/approval-store';
import { DynamoSessionStore } from '../../../lambdas/store/dynamo-session-store';
import { S3TranscriptStore } from '../../../lambdas/store/s3-transcript-store';
import { DynamoSessionQueries } from '../../../lambdas/store/session-queries';
import { createSessionTable } from '../../../lambdas/store/table-definition';
import { DynamoUsageCounters } from '../../../lambdas/store/usage-counters';
import { createUsageTable } from '../../../lambdas/store/usage-table';
import type { ModelPrice } from '../../../lambdas/gateway/usage/prices';
import { startLocalApprovals, type LocalApprovals } from '../../../local/approval-runtime';
import { startEchoUpstream, type EchoUpstream } from '../../../local/echo-upstream';
import { startLocalServer } from '../../../local/server';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../support/dynamodb-local';
import { startS3Server, type S3Server } from '../../support/s3-server';

const LOCAL = { region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } };

/**
 * The approval flow assembled from real parts: DynamoDB Local (sessions and approvals), s3rver
 * (transcripts), the echo model as upstream, the gateway and approval pages behind the local HTTP
 * server, and the deployed ASL run by aws-local-stepfunctions with the real use cases behind it.
 * The usage counters (rate limits, budgets) are on DynamoDB Local too, and the audit API reads it.
 * Mail is captured; logs are captured so tests can search them.
 */
export interface ApprovalHarness {
  baseUrl: string;
  upstream: EchoUpstream;
  policy: Policy;
  approvals: LocalApprovals;
  store: DynamoApprovalStore;
  taskTokens: DynamoTaskTokenStore;
  sessions: DynamoSessionStore;
  transcripts: S3TranscriptStore;
  /** The rate limits' and budgets' counters, shared by the proxy and the approved answers. */
  usage: DynamoUsageCounters;
  mail: ApprovalMessage[];
  logs: string[];
  token(sub: string, groups: string[]): Promise<string>;
  chat(token: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  status(token: string, id: string, headers?: Record<string, string>): Promise<Response>;
  /** `GET /v1/airlock/usage`: a caller's sessions, tokens and cost. */
  usageSummary(token: string, query?: Record<string, string>): Promise<Response>;
  /** `POST /v1/messages` (Anthropic Messages). */
  messages(token: string, body: unknown): Promise<Response>;
  /** The link of the last mail about `approvalId`. */
  linkFor(approvalId: string): string;
  /** Cookie header of a signed-in approver (a dev-issuer token in the approver cookie). */
  approverCookie(sub: string, groups: string[]): Promise<string>;
  openPage(link: string, cookie?: string): Promise<Response>;
  /** Opens the page, takes its CSRF token, posts the decision. */
  decide(link: string, cookie: string, decision: 'approve' | 'deny', reason?: string): Promise<Response>;
  /** Opens the page now; the returned function submits its form later (an approver who keeps the page open). */
  openForm(link: string, cookie: string): Promise<(decision: 'approve' | 'deny', reason?: string) => Promise<Response>>;
  stop(): Promise<void>;
}

interface HarnessOptions {
  policy?: (p: Policy) => void;
  /** The price table (AIRLOCK_PRICES) of the proxy and the invoke step. */
  prices?: ModelPrice[];
}

export async function startApprovalHarness(options: HarnessOptions = {}): Promise<ApprovalHarness> {
  const [dynamoLocal, s3] = await Promise.all([startDynamoDbLocal(), startS3Server()]);
  const dataDir = await mkdtemp(join(tmpdir(), 'airlock-approvals-'));
  const cleanups: Array<() => Promise<unknown>> = [async () => dynamoLocal.stop(), async () => s3.stop(), () => rm(dataDir, { recursive: true, force: true })];
  try {
    return await assemble(dynamoLocal, s3, dataDir, cleanups, options);
  } catch (err) {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    throw err;
  }
}

async function assemble(
  dynamoLocal: DynamoDbLocal,
  s3: S3Server,
  dataDir: string,
  cleanups: Array<() => Promise<unknown>>,
  options: HarnessOptions,
): Promise<ApprovalHarness> {
  const dynamo = new DynamoDBClient({ ...LOCAL, endpoint: dynamoLocal.endpoint });
  const s3Client = new S3Client({ ...LOCAL, endpoint: s3.endpoint, forcePathStyle: true });
  cleanups.push(async () => (dynamo.destroy(), s3Client.destroy()));
  const upstream = await startEchoUpstream();
  cleanups.push(upstream.close);

  await Promise.all([createSessionTable(dynamo, 'sessions'), createUsageTable(dynamo, 'usage')]);
  const usage = new DynamoUsageCounters({ tableName: 'usage', client: dynamo });
  const sessions = new DynamoSessionStore({ tableName: 'sessions', client: dynamo, ttlDays: 30 });
  const transcripts = new S3TranscriptStore({ bucket: s3.bucket, client: s3Client });
  const policyFile = resolve(dirname(fileURLToPath(import.meta.url)), '../../../airlock.policy.yaml');
  const policy = parsePolicy(await readFile(policyFile, 'utf8'), policyFile);
  options.policy?.(policy);
  const devIssuer: DevIssuer = await loadOrCreateDevIssuer(join(dataDir, 'dev-issuer.json'));
  const verifier = createTokenVerifier({ issuers: [devIssuer.trustedIssuer] });

  const logs: string[] = [];
  const capture = (level: string) => (message: string, ...extra: unknown[]) => void logs.push(JSON.stringify([level, message, ...extra]));
  const logger = { info: capture('info'), warn: capture('warn'), error: capture('error'), debug: capture('debug') } as unknown as AirlockLogger;

  const records = {
    policy,
    providers: {
      openai: new OpenAICompatibleProvider({ baseUrl: upstream.url, apiKey: async () => 'sk-upstream-test', timeoutMs: 2000, retries: 1, backoffMs: 1 }),
      anthropic: anthropicProvider({ baseUrl: upstream.url, apiKey: async () => 'sk-ant-test', timeoutMs: 2000, retries: 1, backoffMs: 1 }),
    },
    sessions,
    transcripts,
    queries: new DynamoSessionQueries({ tableName: 'sessions', client: dynamo }),
    usage,
    ...(options.prices ? { prices: options.prices } : {}),
    logger,
    clock: systemClock,
  };
  const mail: ApprovalMessage[] = [];
  const notifier: ApproverNotifier = { publish: async (m) => void mail.push(m) };
  let baseUrl = '';
  const approvals = await startLocalApprovals({
    records,
    dynamo,
    tableName: 'approvals',
    linkKey: randomBytes(32),
    devIssuer,
    approvers: verifier,
    publicBaseUrl: () => baseUrl,
    notifier,
    retryPauseMs: 0,
  });
  cleanups.push(approvals.close);
  const gateway = composeGateway({ ...records, approvals: approvals.gate, newId: ulid });
  const server = await startLocalServer({
    port: 0,
    maxBodyBytes: 1_048_576,
    authenticate: (authorization) => verifier.verify(bearerToken(authorization)),
    handlers: { proxy: gateway.app, 'approval-page': approvals.pages, 'approval-decide': approvals.pages },
    localOnly: [{ path: '/dev/login', methods: ['GET', 'POST'], handler: approvals.devLogin }],
  });
  cleanups.push(server.close);
  baseUrl = server.url;

  const harness: ApprovalHarness = {
    baseUrl,
    upstream,
    policy,
    approvals,
    store: new DynamoApprovalStore({ tableName: 'approvals', client: dynamo }),
    taskTokens: new DynamoTaskTokenStore({ tableName: 'approvals', client: dynamo }),
    sessions,
    transcripts,
    usage,
    mail,
    logs,
    token: (sub, groups) => devIssuer.mint({ sub, groups, email: `${sub}@example.com` }),
    chat: (token, body, headers = {}) =>
      fetch(`${baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      }),
    messages: (token, body) =>
      fetch(`${baseUrl}/v1/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify(body),
      }),
    status: (token, id, headers = {}) => fetch(`${baseUrl}/v1/airlock/requests/${id}`, { headers: { authorization: `Bearer ${token}`, ...headers } }),
    usageSummary: (token, query = {}) => fetch(`${baseUrl}/v1/airlock/usage?${new URLSearchParams(query)}`, { headers: { authorization: `Bearer ${token}` } }),
    linkFor(approvalId) {
      const message = mail.filter((m) => m.approvalId === approvalId).at(-1);
      if (!message) throw new Error(`no mail about ${approvalId}`);
      return message.link;
    },
    approverCookie: async (sub, groups) => `airlock_approver=${await devIssuer.mint({ sub, groups })}`,
    openPage: (link, cookie) => fetch(link, { headers: cookie ? { cookie } : {}, redirect: 'manual' }),
    async decide(link, cookie, decision, reason = '') {
      return (await harness.openForm(link, cookie))(decision, reason);
    },
    async openForm(link, cookie) {
      const page = await (await harness.openPage(link, cookie)).text();
      const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
      return (decision, reason = '') =>
        fetch(link, {
          method: 'POST',
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ csrf, decision, reason }).toString(),
          redirect: 'manual',
        });
    },
    async stop() {
      for (const c of cleanups.reverse()) await c().catch(() => undefined);
    },
  };
  return harness;
}

/** Polls until the held request's mail went out (the notify step runs in the background). */
export async function mailed(h: ApprovalHarness, approvalId: string, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const message = h.mail.find((m) => m.approvalId === approvalId);
    if (message) return message.link;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no mail about ${approvalId} within ${timeoutMs} ms`);
}
