import { SnsApproverNotifier } from '../aws/approval-services';
import { awsApprovalLinks, awsRecords, awsTaskTokens } from '../aws/approval-adapters';
import { lazily } from '../aws/buffered-sink';
import type { NotifyInput } from '../gateway/approvals/notify-approvers';
import { composeNotifyStep } from '../gateway/compose-approval-steps';
import { readConfig } from '../shared/config';

/** RequestApproval's function (invoked with waitForTaskToken): keeps the task token, mails the approvers. */
const config = readConfig('approval-notify');
const notify = lazily(async () =>
  composeNotifyStep({
    ...awsRecords(config),
    tokens: awsTaskTokens(config),
    notifier: new SnsApproverNotifier(config.AIRLOCK_APPROVAL_TOPIC_ARN),
    links: await awsApprovalLinks(config),
    publicBaseUrl: () => config.AIRLOCK_PUBLIC_BASE_URL,
  }),
);

export const handler = async (event: NotifyInput): Promise<{ notified: true }> => {
  await (await notify())(event);
  return { notified: true };
};
