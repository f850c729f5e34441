import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { RunOptions, StateMachine } from 'aws-local-stepfunctions';
import type { NotifyInput } from '../lambdas/gateway/approvals/notify-approvers';
import { executionInput, TaskNoLongerWaiting, type ApprovalExecutionInput, type ApprovalWorkflow, type TaskResults } from '../lambdas/gateway/approvals/ports';
import type { OutcomeInput } from '../lambdas/gateway/approvals/record-outcome';
import type { ApprovalRequest } from '../lambdas/store/approval-types';
import { errorForLog, type AirlockLogger } from '../lambdas/shared/logger';

/**
 * The approval state machine on this machine: the very ASL file the stack deploys, run by
 * aws-local-stepfunctions, with each Task state overridden by the use case its Lambda runs.
 * `waitForTaskToken` is emulated by a token registry: the decision resolves (SendTaskSuccess)
 * or rejects (SendTaskFailure) the waiting task; the state's TimeoutSecondsPath times it out.
 */
type TaskHandler = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>[string];
type TaskResult = Awaited<ReturnType<TaskHandler>>;

export const APPROVAL_ASL_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '../state-machines/approval.asl.json');

export interface LocalWorkflowSteps {
  notify(input: NotifyInput): Promise<void>;
  invoke(input: { approvalId: string }): Promise<{ transcriptSha256: string }>;
  record(input: OutcomeInput): Promise<void>;
}

/** Step Functions task tokens held in memory; `succeed`/`fail` play SendTaskSuccess/SendTaskFailure. */
export class LocalTaskTokens implements TaskResults {
  private readonly waiting = new Map<string, { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }>();

  /** Waits for a decision on `token`; rejects with `States.Timeout` after `timeoutMs`, as Step Functions does. */
  wait(token: string, timeoutMs: number): Promise<unknown> {
    return new Promise((resolvePromise, rejectPromise) => {
      const timer = setTimeout(() => {
        this.waiting.delete(token);
        rejectPromise(namedError('States.Timeout', 'The task timed out.'));
      }, timeoutMs);
      this.waiting.set(token, { resolve: resolvePromise, reject: rejectPromise, timer });
    });
  }

  async succeed(token: string, output: Record<string, unknown>): Promise<void> {
    this.take(token).resolve(output);
  }

  async fail(token: string, error: string, cause: string): Promise<void> {
    this.take(token).reject(namedError(error, cause));
  }

  /** Ends every wait (after the executions were aborted, so no Catch branch runs for it). */
  close(): void {
    for (const [token, entry] of this.waiting) {
      clearTimeout(entry.timer);
      this.waiting.delete(token);
      entry.reject(namedError('Airlock.Shutdown', 'The local runtime stopped.'));
    }
  }

  private take(token: string) {
    const entry = this.waiting.get(token);
    if (!entry) throw new TaskNoLongerWaiting('the execution no longer waits for this task token');
    clearTimeout(entry.timer);
    this.waiting.delete(token);
    return entry;
  }
}

/** How an execution begins: fresh, or resumed after a restart in the state its approval was left in. */
type ExecutionMode =
  | { kind: 'new' }
  | { kind: 'waiting'; taskToken: string; leftMs: number }
  | { kind: 'decided' }
  | { kind: 'expired' };

export interface LocalApprovalWorkflowOptions {
  steps: LocalWorkflowSteps;
  tokens: LocalTaskTokens;
  logger: AirlockLogger;
  /** Overrides every Retry pause (tests); unset: the intervals in the ASL. */
  retryPauseMs?: number;
  /** Overrides the wait for an approved MCP call's collection (tests); unset: the approval timeout. */
  collectionWaitMs?: number;
  /** The ASL text; default: state-machines/approval.asl.json. */
  definition?: string;
}

export class LocalApprovalWorkflow implements ApprovalWorkflow {
  private machine?: Promise<StateMachine>;
  private readonly running = new Map<string, { abort(): void; result: Promise<unknown> }>();

  private constructor(
    private readonly definition: string,
    private readonly options: LocalApprovalWorkflowOptions,
  ) {}

  /**
   * The interpreter is loaded on first use (the first held request, or a resumed approval): loading
   * it and compiling the ASL's JSON schema were the largest costs of starting the local runtime. The ASL
   * is validated by the test suite and by `cdk synth`, so it is not validated again here.
   */
  private interpreter(): Promise<StateMachine> {
    return (this.machine ??= import('aws-local-stepfunctions').then(
      ({ StateMachine }) => new StateMachine(JSON.parse(withLocalArns(this.definition)), { validationOptions: { noValidate: true } }),
    ));
  }

  static async create(options: LocalApprovalWorkflowOptions): Promise<LocalApprovalWorkflow> {
    return new LocalApprovalWorkflow(options.definition ?? (await readFile(APPROVAL_ASL_PATH, 'utf8')), options);
  }

  async start(input: ApprovalExecutionInput): Promise<void> {
    this.execute(input, { kind: 'new' });
  }

  /**
   * After a restart: runs the same ASL again for an approval whose execution died with the last
   * process. A pending approval waits at RequestApproval for the time left until its deadline,
   * under the task token already stored (the approvers' link stays valid, no second mail), or is
   * recorded expired if the deadline passed meanwhile; an approved one goes straight on to the
   * upstream call (InvokeUpstream is idempotent); an approved MCP tool call waits out what is left
   * of its life for the gateway to send it, then is expired unless it was.
   */
  resume(approval: ApprovalRequest, storedToken: string | undefined, now: number): void {
    const kind = approval.subject?.kind === 'mcp_tool_call' ? ({ kind: 'mcp_tool_call' } as const) : {};
    const input = { approvalId: approval.id, timeoutSeconds: approval.timeoutSeconds, ...kind };
    if (approval.status === 'approved' && approval.subject?.kind === 'mcp_tool_call') {
      return this.execute({ ...input, timeoutSeconds: Math.max(0, Math.ceil((Date.parse(approval.reuseUntil) - now) / 1000)) }, { kind: 'decided' });
    }
    if (approval.status === 'approved') return this.execute(input, { kind: 'decided' });
    const leftMs = Date.parse(approval.decideBy) - now;
    if (leftMs <= 0) return this.execute(input, { kind: 'expired' });
    this.execute(
      { ...input, timeoutSeconds: Math.max(1, Math.ceil(leftMs / 1000)) },
      storedToken ? { kind: 'waiting', taskToken: storedToken, leftMs } : { kind: 'new' },
    );
  }

  private execute(input: ApprovalExecutionInput, mode: ExecutionMode): void {
    const { steps, tokens, logger, retryPauseMs, collectionWaitMs } = this.options;
    const taskToken = mode.kind === 'waiting' ? mode.taskToken : randomBytes(32).toString('base64url');
    // A lambda:invoke Task's result is the Invoke response; its state input carries the Lambda's Payload.
    const lambda =
      <T>(step: (payload: T) => Promise<unknown>): TaskHandler =>
      async (state) =>
        ({ StatusCode: 200, Payload: (await step((state as unknown as { Payload: T }).Payload)) ?? null }) as unknown as TaskResult;
    let aborted = false;
    let abortRun: (() => void) | undefined;
    const runOn = (machine: StateMachine) => {
      if (aborted) return undefined;
      const run = machine.run(executionInput(input), {
        noThrowOnAbort: true,
        context: {
          Execution: { Id: `arn:aws:states:local:000000000000:execution:airlock-approval:${input.approvalId}`, Name: input.approvalId, StartTime: new Date().toISOString() },
          Task: { Token: taskToken },
        },
        overrides: {
          taskResourceLocalHandlers: {
            RequestApproval: async (state) => {
              const payload = (state as unknown as { Payload: NotifyInput & { timeoutSeconds: number } }).Payload;
              if (mode.kind === 'decided') return { decision: 'approved' } as unknown as TaskResult;
              if (mode.kind === 'expired') throw namedError('States.Timeout', 'The task timed out.');
              if (mode.kind === 'waiting') return (await tokens.wait(payload.taskToken, mode.leftMs)) as TaskResult;
              const decision = tokens.wait(payload.taskToken, payload.timeoutSeconds * 1000);
              decision.catch(() => undefined);
              await steps.notify({ approvalId: payload.approvalId, taskToken: payload.taskToken });
              return (await decision) as TaskResult;
            },
            InvokeUpstream: lambda((p: { approvalId: string }) => steps.invoke(p)),
            RecordCompleted: lambda((p: OutcomeInput) => steps.record(p)),
            RecordDenied: lambda((p: OutcomeInput) => steps.record(p)),
            RecordExpired: lambda((p: OutcomeInput) => steps.record(p)),
            RecordFailed: lambda((p: OutcomeInput) => steps.record(p)),
            RecordUncollected: lambda((p: OutcomeInput) => steps.record(p)),
          },
          ...(collectionWaitMs !== undefined ? { waitTimeOverrides: { AwaitCollection: collectionWaitMs } } : {}),
          ...(retryPauseMs !== undefined
            ? {
                retryIntervalOverrides: Object.fromEntries(
                  ['RequestApproval', 'InvokeUpstream', 'RecordCompleted', 'RecordDenied', 'RecordExpired', 'RecordFailed', 'RecordUncollected'].map((s) => [s, retryPauseMs]),
                ),
              }
            : {}),
        },
      });
      abortRun = run.abort;
      return run.result;
    };
    const result = this.interpreter().then(runOn).then(
      (output) => {
        logger.debug('approval execution ended', { approvalId: input.approvalId });
        return output;
      },
      (err: unknown) => {
        logger.warn('approval execution failed', { approvalId: input.approvalId, error: errorForLog(err) });
        return undefined;
      },
    );
    const abort = () => {
      aborted = true;
      abortRun?.();
    };
    this.running.set(input.approvalId, { abort, result });
    void result.finally(() => this.running.delete(input.approvalId));
  }

  /** Resolves when the execution of `approvalId` has ended (tests). */
  async settled(approvalId: string): Promise<void> {
    await this.running.get(approvalId)?.result;
  }

  async close(): Promise<void> {
    for (const { abort } of this.running.values()) abort();
    this.options.tokens.close();
    await Promise.all([...this.running.values()].map((r) => r.result));
  }
}

function withLocalArns(definition: string): string {
  return definition.replace(/\$\{(\w+)\}/g, (_, name: string) => `arn:aws:lambda:us-east-1:000000000000:function:airlock-${name.replace(/FunctionArn$/, '')}`);
}

function namedError(name: string, message: string): Error {
  const err = new Error(message);
  err.name = name;
  return err;
}
