import { approvalPages, type PageHandler } from '../gateway/approvals/approval-pages';
import { cachedInspectorFactory } from '../gateway/inspector-cache';
import { createInspector } from '../inspect/inspector';
import { resolveGroupPolicy } from '../inspect/policy';
import { loadBundledPolicy } from './bundled-policy';
import { readRuntimeConfig } from '../shared/config';
import { DynamoTaskTokenStore } from '../store/approval-store';
import type { ApiGatewayProxyEvent } from './api-event';
import type { ProxyResult } from './approval-http';
import { SfnTaskResults } from './approval-aws';
import { approvalRecords } from './approval-runtime';
import { pageDeps, servePage } from './approval-page';

/** `POST /approvals/{id}`: the decision. The only function allowed to send task results to Step Functions. */
const config = readRuntimeConfig();
let app: Promise<PageHandler> | undefined;

async function build(): Promise<PageHandler> {
  const { deps } = await pageDeps(config);
  const { sessions, approvalEvents } = approvalRecords(config);
  const policy = loadBundledPolicy(config);
  const inspectorFor = cachedInspectorFactory(createInspector);
  return approvalPages({
    ...deps,
    ...(approvalEvents ? { approvalEvents } : {}),
    decisions: {
      tokens: new DynamoTaskTokenStore({ tableName: config.AIRLOCK_APPROVAL_TABLE! }),
      tasks: new SfnTaskResults(),
      sessions,
      maskReason: (approval, reason) => inspectorFor(resolveGroupPolicy(policy, approval.principal.groups) ?? policy.defaults).maskText(reason).masked,
    },
  });
}

export const handler = async (event: ApiGatewayProxyEvent): Promise<ProxyResult> => {
  app ??= build().catch((err: unknown) => {
    app = undefined;
    throw err;
  });
  return servePage(await app, event, 16 * 1024);
};
