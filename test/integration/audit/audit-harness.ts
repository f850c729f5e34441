import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Principal } from '../../../lambdas/auth/principal';
import type { GatewayRequest, ResponseSink } from '../../../lambdas/gateway/http';
import { systemClock, type GatewayDeps } from '../../../lambdas/gateway/ports';
import { createGatewayApp } from '../../../lambdas/gateway/router';
import { policyFromObject, type Policy } from '../../../lambdas/inspect/policy';
import type { AirlockLogger } from '../../../lambdas/shared/logger';
import { DynamoSessionStore } from '../../../lambdas/store/dynamo-session-store';
import { S3TranscriptStore } from '../../../lambdas/store/s3-transcript-store';
import { DynamoSessionQueries } from '../../../lambdas/store/session-queries';
import { toSessionItem } from '../../../lambdas/store/session-item';
import type { SessionRecord } from '../../../lambdas/store/types';

/**
 * The audit routes as the gateway serves them (the real router and use cases over the real
 * DynamoDB and S3 store code), called in-process with a verified principal, as the transport
 * hands it over after the authorizer.
 */

export const ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_audit';
export const OTHER_ISSUER = 'https://example.okta.com';

export const principal = (sub: string, groups: string[], issuer = ISSUER): Principal => ({ issuer, sub, groups, claims: {} });

export const auditor = principal('ada-auditor', ['auditors']);

export const testPolicy: Policy = policyFromObject({
  version: 1,
  access: { groups: ['llm-users'] },
  groups: { finance: { approval: { approvers_group: 'finance-approvers' } } },
});

const silentLogger: AirlockLogger = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

const notUsedByAudit = (): never => {
  throw new Error('the audit routes never call the upstream or the inspector');
};

export interface AuditDepsOptions {
  tableName: string;
  bucket: string;
  dynamo: DynamoDBClient;
  s3: S3Client;
  policy?: Policy;
  logger?: AirlockLogger;
}

export function auditDeps(options: AuditDepsOptions): GatewayDeps {
  return {
    policy: options.policy ?? testPolicy,
    inspectorFor: notUsedByAudit,
    provider: { name: 'none', call: notUsedByAudit, listModels: notUsedByAudit },
    sessions: new DynamoSessionStore({ tableName: options.tableName, client: options.dynamo, ttlDays: 30 }),
    queries: new DynamoSessionQueries({ tableName: options.tableName, client: options.dynamo }),
    transcripts: new S3TranscriptStore({ bucket: options.bucket, client: options.s3 }),
    logger: options.logger ?? silentLogger,
    clock: systemClock,
    newId: notUsedByAudit,
  };
}

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Each write, with its time in ms after the request was handed to the gateway. */
  writes: { at: number; text: string }[];
  json<T = Record<string, unknown>>(): T;
}

export interface CallOptions {
  principal: Principal;
  query?: Record<string, string>;
  method?: string;
}

export type AuditCall = (path: string, options: CallOptions) => Promise<Reply>;

export function auditClient(deps: GatewayDeps): AuditCall {
  const app = createGatewayApp(deps);
  return async (path, options) => {
    const receivedAt = performance.now();
    const writes: Reply['writes'] = [];
    let status = 0;
    let headers: Record<string, string> = {};
    let started = false;
    const sink: ResponseSink = {
      signal: new AbortController().signal,
      get started() {
        return started;
      },
      start(s, h) {
        status = s;
        headers = h;
        started = true;
      },
      async write(text) {
        writes.push({ at: performance.now() - receivedAt, text });
      },
      async end() {},
    };
    const req: GatewayRequest = {
      method: options.method ?? 'GET',
      path,
      query: options.query ?? {},
      headers: {},
      body: '',
      principal: options.principal,
      receivedAt,
    };
    await app(req, sink);
    const body = writes.map((w) => w.text).join('');
    return { status, headers, body, writes, json: <T>() => JSON.parse(body) as T };
  };
}

/** Every page of a search, following `next_cursor`; returns the ids in the order served. */
export async function listAll(call: AuditCall, who: Principal, query: Record<string, string>): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const reply = await call('/v1/airlock/sessions', { principal: who, query: { ...query, ...(cursor ? { cursor } : {}) } });
    if (reply.status !== 200) throw new Error(`search failed with ${reply.status}: ${reply.body}`);
    const page = reply.json<{ data: SessionRecord[]; next_cursor: string | null }>();
    ids.push(...page.data.map((s) => s.id));
    cursor = page.next_cursor;
    pages++;
  } while (cursor);
  return { ids, pages };
}

/** Writes session items straight into the table (25 per BatchWrite), as the store would. */
export async function seedSessions(client: DynamoDBClient, tableName: string, records: SessionRecord[]): Promise<void> {
  const doc = DynamoDBDocumentClient.from(client);
  const batches: SessionRecord[][] = [];
  for (let i = 0; i < records.length; i += 25) batches.push(records.slice(i, i + 25));
  for (let i = 0; i < batches.length; i += 8) {
    await Promise.all(
      batches.slice(i, i + 8).map(async (batch) => {
        let requests: Record<string, unknown>[] | undefined = batch.map((r) => ({ PutRequest: { Item: toSessionItem(r, 30) } }));
        while (requests?.length) {
          const out = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests as never } }));
          requests = out.UnprocessedItems?.[tableName] as Record<string, unknown>[] | undefined;
        }
      }),
    );
  }
}

/** Records the name of every command sent through a DynamoDB client (the SDK middleware stack). */
export function recordCommands(client: DynamoDBClient): string[] {
  const sent: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'auditCommandRecorder' },
  );
  return sent;
}
