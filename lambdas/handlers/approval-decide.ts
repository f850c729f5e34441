import { SfnTaskResults } from '../aws/approval-services';
import { awsApprovalEvents, awsApprovalPagesAdapters, awsRecords, awsTaskTokens } from '../aws/adapters';
import type { ApiGatewayProxyEvent } from '../aws/api-event';
import { lazily, servePage, type ProxyResult } from '../aws/buffered-sink';
import { loadBundledPolicy } from '../aws/bundled-policy';
import { composeApprovalPages } from '../gateway/compose';
import { readConfig } from '../shared/config';

/** `POST /approvals/{id}`: the decision. The only function allowed to send task results to Step Functions. */
const config = readConfig('approval-decide');
const app = lazily(async () =>
  composeApprovalPages({
    ...(await awsApprovalPagesAdapters(config)),
    ...(awsApprovalEvents(config) ? { approvalEvents: awsApprovalEvents(config) } : {}),
    decisions: { policy: loadBundledPolicy(config), tokens: awsTaskTokens(config), tasks: new SfnTaskResults(), sessions: awsRecords(config).sessions },
  }),
);

export const handler = async (event: ApiGatewayProxyEvent): Promise<ProxyResult> => servePage(await app(), event, 16 * 1024);
