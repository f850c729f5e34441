import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { APPROVAL_TABLE } from './approval-table';
import { toDocumentClient } from './dynamo-client';
import { isConditionalCheckFailed, StoreError, toStoreError } from './store-error';
import { toolSetSchema } from './tool-pin-schema';
import type { ToolPinStore, UpstreamToolSet } from './tool-pin-types';

/**
 * Tool sets as items `mcp-tools#{upstream}` in the approval table: tool-change approvals live in the
 * same table, so the MCP function needs no table of its own, and the key prefix keeps these items
 * apart from approvals (whose ids never hold '#') and from task tokens (`token#`).
 */
export const TOOL_SET_PREFIX = 'mcp-tools#';

export class DynamoToolPinStore implements ToolPinStore {
  private readonly tableName: string;
  private readonly client: DynamoDBDocumentClient;

  constructor(options: { tableName: string; client?: DynamoDBDocumentClient | DynamoDBClient }) {
    this.tableName = options.tableName;
    this.client = toDocumentClient(options.client);
  }

  async get(upstream: string): Promise<UpstreamToolSet | undefined> {
    let item: Record<string, unknown> | undefined;
    try {
      ({ Item: item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { [APPROVAL_TABLE.partitionKey]: key(upstream) }, ConsistentRead: true })));
    } catch (err) {
      throw toStoreError('toolSet.get', err);
    }
    if (!item) return undefined;
    const { [APPROVAL_TABLE.partitionKey]: _id, ...rest } = item;
    const parsed = toolSetSchema.safeParse(rest);
    if (!parsed.success) throw new StoreError('toolSet.get', 'corrupt', { fields: parsed.error.issues.map((i) => i.path.join('.')) });
    return parsed.data;
  }

  async put(set: UpstreamToolSet): Promise<boolean> {
    const parsed = toolSetSchema.safeParse(set);
    if (!parsed.success) throw new StoreError('toolSet.put', 'invalid', { fields: parsed.error.issues.map((i) => i.path.join('.')) });
    const first = parsed.data.version === 1;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...parsed.data, [APPROVAL_TABLE.partitionKey]: key(set.upstream) },
          ConditionExpression: first ? 'attribute_not_exists(#id)' : '#version = :previous',
          ExpressionAttributeNames: first ? { '#id': APPROVAL_TABLE.partitionKey } : { '#version': 'version' },
          ...(first ? {} : { ExpressionAttributeValues: { ':previous': parsed.data.version - 1 } }),
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw toStoreError('toolSet.put', err);
    }
  }
}

function key(upstream: string): string {
  if (!/^[a-z0-9][a-z0-9_-]{0,31}$/.test(upstream)) throw new StoreError('toolSet', 'invalid', { fields: ['upstream'] });
  return `${TOOL_SET_PREFIX}${upstream}`;
}
