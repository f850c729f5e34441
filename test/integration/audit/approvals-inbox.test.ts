import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { INDEX_WRITE_SHARDS } from '../../../lambdas/store/schema';
import { createSessionTable } from '../../../lambdas/store/table-definition';
import type { SessionRecord, SessionStatus } from '../../../lambdas/store/types';
import { localDynamoClient } from '../../../local/embedded-stores';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../support/dynamodb-local';
import { auditClient, auditDeps, auditor, ISSUER, principal, recordCommands, seedSessions, type AuditCall } from './audit-harness';

const TABLE = 'audit-inbox-test';
const HOUR = 3_600_000;
const NOW = Date.now();

function held(id: string, sub: string, groups: string[], status: SessionStatus, hoursAgo: number): SessionRecord {
  const createdAt = new Date(NOW - hoursAgo * HOUR).toISOString();
  return {
    id,
    createdAt,
    updatedAt: createdAt,
    principal: { issuer: ISSUER, sub, groups },
    route: 'POST /v1/chat/completions',
    model: 'gpt-4o',
    stream: false,
    decision: 'review',
    status,
    risk: { score: 70, reasons: [{ id: 'keyword.drop_table', points: 70, message: 'destructive SQL' }] },
    findingCounts: {},
  };
}

interface InboxPage {
  data: { id: string; approvers_group: string; decide_by: string; status: string }[];
  next_cursor: string | null;
}

describe('approvals inbox (GET /v1/airlock/approvals) over DynamoDB Local', () => {
  let dynamo: DynamoDbLocal;
  let client: DynamoDBClient;
  let call: AuditCall;
  let sent: string[];

  const sessions = [
    held('p-alice-1', 'alice', ['llm-users'], 'pending', 1),
    held('p-alice-2', 'alice', ['llm-users'], 'pending', 3),
    held('p-frank-1', 'frank', ['llm-users', 'finance'], 'pending', 2),
    held('p-paula-1', 'paula', ['llm-users', 'approvers'], 'pending', 4),
    held('d-alice-1', 'alice', ['llm-users'], 'denied', 5),
    held('c-bob-1', 'bob', ['llm-users'], 'completed', 1),
  ];

  beforeAll(async () => {
    dynamo = await startDynamoDbLocal();
    client = localDynamoClient(dynamo.endpoint);
    await createSessionTable(client, TABLE);
    await seedSessions(client, TABLE, sessions);
    sent = recordCommands(client);
    call = auditClient(auditDeps({ tableName: TABLE, bucket: 'unused', dynamo: client, s3: {} as S3Client }));
  }, 60_000);

  afterAll(async () => {
    client?.destroy();
    await dynamo?.stop();
  });

  const inbox = async (who: ReturnType<typeof principal>, query: Record<string, string> = {}) => {
    const reply = await call('/v1/airlock/approvals', { principal: who, query });
    return { reply, page: reply.status === 200 ? reply.json<InboxPage>() : undefined };
  };

  it('shows an approver the pending requests their group decides, newest first, read from the status index', async () => {
    sent.length = 0;

    const { page } = await inbox(principal('paula', ['llm-users', 'approvers']));

    // frank's request goes to finance-approvers; paula's own is hidden (self-approval is off).
    expect(page!.data.map((e) => e.id)).toEqual(['p-alice-1', 'p-alice-2']);
    expect(page!.data[0]).toMatchObject({ approvers_group: 'approvers', status: 'pending' });
    expect(Date.parse(page!.data[0]!.decide_by) - Date.parse(sessions[0]!.createdAt)).toBe(3600 * 1000);
    // One round: every shard of the pending status queried once, in parallel.
    expect(sent).toEqual(Array.from({ length: INDEX_WRITE_SHARDS }, () => 'QueryCommand'));
  });

  it("shows a group's own approvers the requests routed to them", async () => {
    const { page } = await inbox(principal('fiona', ['finance-approvers']));

    expect(page!.data.map((e) => e.id)).toEqual(['p-frank-1']);
    expect(page!.data[0]!.approvers_group).toBe('finance-approvers');
  });

  it('shows an auditor every pending request', async () => {
    const { page } = await inbox(auditor);

    expect(page!.data.map((e) => e.id)).toEqual(['p-alice-1', 'p-frank-1', 'p-alice-2', 'p-paula-1']);
  });

  it('lists decided requests by status on request', async () => {
    const { page } = await inbox(auditor, { status: 'denied' });

    expect(page!.data.map((e) => e.id)).toEqual(['d-alice-1']);
  });

  it('pages with a cursor', async () => {
    const first = await inbox(auditor, { limit: '3' });
    const second = await inbox(auditor, { limit: '3', cursor: first.page!.next_cursor! });

    expect(first.page!.data.map((e) => e.id)).toEqual(['p-alice-1', 'p-frank-1', 'p-alice-2']);
    expect(second.page!.data.map((e) => e.id)).toEqual(['p-paula-1']);
  });

  it('refuses a requester who approves nothing, and a caller outside every group', async () => {
    for (const who of [principal('alice', ['llm-users']), principal('mallory', [])]) {
      const { reply } = await inbox(who);

      expect(reply.status).toBe(403);
      expect(reply.json()).toMatchObject({ error: { code: 'forbidden' } });
    }
  });

  it.each([
    [{ status: 'completed' }, 'status'],
    [{ limit: '500' }, 'limit'],
    [{ principal: 'alice' }, 'principal'],
  ])('refuses %j with 400 naming %s', async (query, param) => {
    const { reply } = await inbox(auditor, query);

    expect(reply.status).toBe(400);
    expect(reply.json()).toMatchObject({ error: { code: 'invalid_request', param } });
  });
});
