import { recordOutcome, type OutcomeInput } from '../gateway/approvals/record-outcome';
import { readRuntimeConfig } from '../shared/config';
import { approvalRecords } from './approval-runtime';

/** The Record* states' function: settles the approval and the held session's record. */
const deps = approvalRecords(readRuntimeConfig());

export const handler = async (event: OutcomeInput): Promise<{ recorded: true }> => {
  await recordOutcome(deps, event);
  return { recorded: true };
};
