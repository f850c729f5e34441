import { SfnTaskResults } from '../aws/approval-services';
import { awsApprovalEvents, awsRecords, awsTaskTokens } from '../aws/approval-adapters';
import { awsApprovalPagesAdapters } from '../aws/approval-pages-adapters';
import type { ApiGatewayProxyEvent } from '../aws/api-event';
import { lazily, servePage, type ProxyResult } from '../aws/buffered-sink';
import { loadBundledPolicy } from '../aws/bundled-policy';
import { approvalDecisions } from '../gateway/compose';
import { composeApprovalPages } from '../gateway/compose-approvals';
import { policyFromObject } from '../inspect/policy';
import { readConfig } from '../shared/config';

/**
 * `POST /approvals/{id}`: the decision. The only function allowed to send task results to Step Functions.
 * It carries the inspector: the approver's note is masked with the requester's policy before it is recorded.
 */
const config = readConfig('approval-decide');
const policy = loadBundledPolicy(config, policyFromObject);
const app = lazily(async () =>
  composeApprovalPages({
    ...(await awsApprovalPagesAdapters(config, policy)),
    ...(awsApprovalEvents(config) ? { approvalEvents: awsApprovalEvents(config) } : {}),
    decisions: approvalDecisions({ policy, tokens: awsTaskTokens(config), tasks: new SfnTaskResults(), sessions: awsRecords(config).sessions }),
  }),
);

export const handler = async (event: ApiGatewayProxyEvent): Promise<ProxyResult> => servePage(await app(), event, 16 * 1024);
