import { awsRecords } from '../aws/approval-adapters';
import type { OutcomeInput } from '../gateway/approvals/record-outcome';
import { composeRecordStep } from '../gateway/compose-approval-steps';
import { readConfig } from '../shared/config';

/** The Record* states' function: settles the approval and the held session's record. */
const record = composeRecordStep(awsRecords(readConfig('approval-record-outcome')));

export const handler = async (event: OutcomeInput): Promise<{ recorded: true }> => {
  await record(event);
  return { recorded: true };
};
