import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoAgentAnswers } from '../../../lambdas/aws/dynamo-agent-answers';
import { InProcessAgentAnswers } from '../../../lambdas/gateway/mcp/agent-answers';
import type { AgentAnswers } from '../../../lambdas/gateway/mcp/upstreams';
import { createApprovalTable } from '../../../lambdas/store/approval-table';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../support/dynamodb-local';

let n = 0;
const nextId = () => `airlock-relay-${String(++n).padStart(8, '0')}-0000-4000-8000-000000000000`;
const answer = { result: { role: 'assistant', content: { type: 'text', text: 'short' }, model: 'm' } };

/** What the MCP gateway relies on from where agents' answers to relayed requests meet their calls. */
function agentAnswersContract(engine: () => AgentAnswers): void {
  it('hands the answer its caller posts to the call waiting for it, once', async () => {
    const answers = engine();
    const id = nextId();
    const pending = await answers.open('alice', id);
    const waited = pending.wait(AbortSignal.timeout(5_000));

    expect(await answers.deliver('alice', id, answer)).toBe(true);
    expect(await waited).toEqual(answer);
    expect(await answers.deliver('alice', id, { error: { code: -1, message: 'again' } })).toBe(false);
  });

  it('takes no answer from another caller, nor for a request nobody waits for', async () => {
    const answers = engine();
    const id = nextId();
    const pending = await answers.open('alice', id);

    expect(await answers.deliver('mallory', id, answer)).toBe(false);
    expect(await answers.deliver('alice', nextId(), answer)).toBe(false);
    expect(await pending.wait(AbortSignal.timeout(300))).toBeUndefined();
  });

  it('stops waiting when the call’s signal aborts', async () => {
    const answers = engine();
    const pending = await answers.open('alice', nextId());
    const gone = new AbortController();
    setTimeout(() => gone.abort(), 50);

    expect(await pending.wait(gone.signal)).toBeUndefined();
  });
}

describe('agent answers in process (the local runtime)', () => {
  agentAnswersContract(() => new InProcessAgentAnswers());
});

describe('agent answers in the approval table (DynamoDB Local)', () => {
  const tableName = 'airlock-approvals-agent-answers';
  let dynamo: DynamoDbLocal;
  let client: DynamoDBClient;

  beforeAll(async () => {
    dynamo = await startDynamoDbLocal();
    client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    await createApprovalTable(client, tableName);
  }, 60_000);
  afterAll(async () => {
    client?.destroy();
    await dynamo?.stop();
  });

  agentAnswersContract(() => new DynamoAgentAnswers({ tableName, client, pollMs: 20 }));
});
