/**
 * An error a workflow step ends with. Its name is what the state machine's Retry and Catch match
 * (Lambda reports `error.name` as the error type); its message must never hold content.
 */
export type WorkflowErrorName =
  | 'Airlock.InvalidInput'
  | 'Airlock.ApprovalMissing'
  | 'Airlock.NotPending'
  | 'Airlock.NotApproved'
  | 'Airlock.AccessRevoked'
  | 'Airlock.RequestIntegrity'
  | 'Airlock.NotifyUnavailable'
  | 'Airlock.UpstreamUnavailable'
  | 'Airlock.UpstreamRejected'
  | 'Airlock.RecordUnavailable';

export class WorkflowError extends Error {
  constructor(
    override readonly name: WorkflowErrorName,
    message: string,
  ) {
    super(message);
  }
}

/** Error names as recorded: a fixed charset and length, whatever the workflow hands over. */
export function recordableErrorName(name: unknown): string {
  return typeof name === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(name) ? name : 'unknown';
}
