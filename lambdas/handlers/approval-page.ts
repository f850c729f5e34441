import { awsApprovalPagesAdapters } from '../aws/approval-pages-adapters';
import type { ApiGatewayProxyEvent } from '../aws/api-event';
import { lazily, servePage, type ProxyResult } from '../aws/buffered-sink';
import { composeApprovalPages } from '../gateway/compose-approvals';
import { readConfig } from '../shared/config';

/** `GET /approvals/{id}` and the approver sign-in round trip. Read-only: this function cannot resume executions. */
const config = readConfig('approval-page');
const app = lazily(async () => composeApprovalPages(await awsApprovalPagesAdapters(config)));

export const handler = async (event: ApiGatewayProxyEvent): Promise<ProxyResult> => servePage(await app(), event, 16 * 1024);
