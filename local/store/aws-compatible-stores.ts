import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoApprovalStore, DynamoTaskTokenStore } from '../../lambdas/store/approval-store';
import { createApprovalTable } from '../../lambdas/store/approval-table';
import { toDocumentClient } from '../../lambdas/store/dynamo-client';
import { DynamoToolPinStore } from '../../lambdas/store/dynamo-tool-pin-store';
import type { ApprovalRequest } from '../../lambdas/store/approval-types';
import { DynamoUsageCounters } from '../../lambdas/store/usage-counters';
import { createUsageTable } from '../../lambdas/store/usage-table';
import { localDynamoClient, startEmbeddedStores, type EmbeddedStores } from '../embedded-stores';
import type { RuntimeStores } from './local-stores';

const APPROVAL_TABLE_NAME = 'airlock-approvals';
const USAGE_TABLE_NAME = 'airlock-usage';

/**
 * `airlock serve --stores aws-compatible`: dynalite and s3rver on loopback behind the very
 * DynamoDB and S3 store classes that run in Lambda, so the AWS store code runs end to end.
 */
export async function startAwsCompatibleStores(options: { dataDir?: string; ttlDays?: number }): Promise<RuntimeStores & { embedded: EmbeddedStores }> {
  const embedded = await startEmbeddedStores({ ...(options.dataDir ? { dataDir: options.dataDir } : {}), serversInWorker: true, ...(options.ttlDays ? { ttlDays: options.ttlDays } : {}) });
  const dynamo = localDynamoClient(embedded.dynamoEndpoint);
  try {
    await createApprovalTable(dynamo, APPROVAL_TABLE_NAME);
    await createUsageTable(dynamo, USAGE_TABLE_NAME);
  } catch (err) {
    dynamo.destroy();
    await embedded.close();
    throw err;
  }
  const approvals = new DynamoApprovalStore({ tableName: APPROVAL_TABLE_NAME, client: dynamo });
  const documents = toDocumentClient(dynamo);
  return {
    embedded,
    sessions: embedded.sessions,
    queries: embedded.queries,
    transcripts: embedded.transcripts,
    approvals,
    taskTokens: new DynamoTaskTokenStore({ tableName: APPROVAL_TABLE_NAME, client: dynamo }),
    usage: new DynamoUsageCounters({ tableName: USAGE_TABLE_NAME, client: dynamo }),
    toolPins: new DynamoToolPinStore({ tableName: APPROVAL_TABLE_NAME, client: dynamo }),
    // The approval table has no status index (AWS never needs one); a local scan at start-up is fine.
    async unfinishedApprovals() {
      const ids: string[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await documents.send(
          new ScanCommand({
            TableName: APPROVAL_TABLE_NAME,
            FilterExpression: '#s IN (:pending, :approved)',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':pending': 'pending', ':approved': 'approved' },
            ExclusiveStartKey: start,
          }),
        );
        for (const item of page.Items ?? []) if (typeof item.id === 'string') ids.push(item.id);
        start = page.LastEvaluatedKey;
      } while (start);
      const found = await Promise.all(ids.map((id) => approvals.get(id)));
      return found.filter((a): a is ApprovalRequest => a?.status === 'pending' || a?.status === 'approved');
    },
    describe: `${embedded.tableName} (DynamoDB-compatible, ${embedded.dynamoEndpoint}), s3://${embedded.bucket} (${embedded.s3Endpoint})`,
    close: async () => {
      dynamo.destroy();
      await embedded.close();
    },
  };
}
