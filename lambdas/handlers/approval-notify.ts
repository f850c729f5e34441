import { notifyApprovers, type NotifyDeps, type NotifyInput } from '../gateway/approvals/notify-approvers';
import { DynamoTaskTokenStore } from '../store/approval-store';
import { readRuntimeConfig } from '../shared/config';
import { SnsApproverNotifier } from './approval-aws';
import { approvalLinks, approvalRecords, publicBaseUrl, required } from './approval-runtime';

/** RequestApproval's function (invoked with waitForTaskToken): keeps the task token, mails the approvers. */
const config = readRuntimeConfig();
let deps: Promise<NotifyDeps> | undefined;

async function build(): Promise<NotifyDeps> {
  required(config, 'AIRLOCK_APPROVAL_TOPIC_ARN');
  const { approvals, logger, clock } = approvalRecords(config);
  return {
    approvals,
    tokens: new DynamoTaskTokenStore({ tableName: config.AIRLOCK_APPROVAL_TABLE! }),
    notifier: new SnsApproverNotifier(config.AIRLOCK_APPROVAL_TOPIC_ARN!),
    links: await approvalLinks(config),
    publicBaseUrl: publicBaseUrl(config),
    logger,
    clock,
  };
}

export const handler = async (event: NotifyInput): Promise<{ notified: true }> => {
  deps ??= build().catch((err: unknown) => {
    deps = undefined;
    throw err;
  });
  await notifyApprovers(await deps, event);
  return { notified: true };
};
