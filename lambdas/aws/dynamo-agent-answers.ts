import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AgentAnswer, AgentAnswers, PendingAnswer } from '../gateway/mcp/upstreams';
import { APPROVAL_TABLE } from '../store/approval-table';
import { toDocumentClient } from '../store/dynamo-client';
import { isConditionalCheckFailed, toStoreError } from '../store/store-error';
import { sleepUntilAborted } from '../shared/wake-sleep';

/** Key prefix of relay items in the approval table (approval ids never hold '#'). */
export const AGENT_ANSWER_PREFIX = 'mcp-relay#';

/**
 * Agents' answers to relayed requests in AWS, where the answer's POST is another Lambda invocation
 * than the one streaming the call: items `mcp-relay#<id>` of the approval table (which the MCP
 * function may already read and write), created by the waiting invocation before the request goes
 * out, answered by one conditional write (only by the same caller, only once), polled with
 * consistent reads, removed by TTL. The answer is stored masked (agent-relay.ts masks it first).
 */
export class DynamoAgentAnswers implements AgentAnswers {
  private readonly tableName: string;
  private readonly client: DynamoDBDocumentClient;
  private readonly pollMs: number;
  private readonly keepSeconds: number;

  constructor(options: { tableName: string; client?: DynamoDBDocumentClient | DynamoDBClient; pollMs?: number; keepSeconds?: number }) {
    this.tableName = options.tableName;
    this.client = toDocumentClient(options.client);
    this.pollMs = options.pollMs ?? 200;
    this.keepSeconds = options.keepSeconds ?? 3600;
  }

  async open(owner: string, id: string): Promise<PendingAnswer> {
    const key = { [APPROVAL_TABLE.partitionKey]: `${AGENT_ANSWER_PREFIX}${id}` };
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key, owner, [APPROVAL_TABLE.ttlAttribute]: Math.ceil(Date.now() / 1000) + this.keepSeconds },
          ConditionExpression: 'attribute_not_exists(#id)',
          ExpressionAttributeNames: { '#id': APPROVAL_TABLE.partitionKey },
        }),
      );
    } catch (err) {
      throw toStoreError('agentAnswer.open', err);
    }
    return {
      wait: async (signal) => {
        while (!signal.aborted) {
          let item: Record<string, unknown> | undefined;
          try {
            ({ Item: item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }), { abortSignal: signal }));
          } catch (err) {
            if (signal.aborted) return undefined;
            throw toStoreError('agentAnswer.wait', err);
          }
          if (typeof item?.answer === 'string') return JSON.parse(item.answer) as AgentAnswer;
          await sleepUntilAborted(this.pollMs, signal);
        }
        return undefined;
      },
    };
  }

  async deliver(owner: string, id: string, answer: AgentAnswer): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [APPROVAL_TABLE.partitionKey]: `${AGENT_ANSWER_PREFIX}${id}` },
          UpdateExpression: 'SET #answer = :answer',
          ConditionExpression: 'attribute_exists(#id) AND #owner = :owner AND attribute_not_exists(#answer)',
          ExpressionAttributeNames: { '#id': APPROVAL_TABLE.partitionKey, '#owner': 'owner', '#answer': 'answer' },
          ExpressionAttributeValues: { ':owner': owner, ':answer': JSON.stringify(answer) },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw toStoreError('agentAnswer.deliver', err);
    }
  }
}
