import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { cachedSecret, type SecretsClient } from '../aws/secret-value';
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  executionInput,
  TaskNoLongerWaiting,
  type ApprovalExecutionInput,
  type ApprovalMessage,
  type ApprovalWorkflow,
  type ApproverNotifier,
  type TaskResults,
} from '../gateway/approvals/ports';

/** The approval flow's AWS side: Step Functions (start, resume) and SNS (the approvers' mail). */

export class SfnApprovalWorkflow implements ApprovalWorkflow {
  constructor(
    private readonly stateMachineArn: string,
    private readonly client = new SFNClient({}),
  ) {}

  async start(input: ApprovalExecutionInput): Promise<void> {
    // Named after the approval: a retried start cannot create a second execution.
    await this.client.send(
      new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name: input.approvalId, input: JSON.stringify(executionInput(input)) }),
    );
  }
}

const NO_LONGER_WAITING = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

export class SfnTaskResults implements TaskResults {
  constructor(private readonly client = new SFNClient({})) {}

  async succeed(taskToken: string, output: Record<string, unknown>): Promise<void> {
    await this.send(() => this.client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) })));
  }

  async fail(taskToken: string, error: string, cause: string): Promise<void> {
    await this.send(() => this.client.send(new SendTaskFailureCommand({ taskToken, error, cause })));
  }

  private async send(call: () => Promise<unknown>): Promise<void> {
    try {
      await call();
    } catch (err) {
      if (NO_LONGER_WAITING.has((err as { name?: string }).name ?? '')) throw new TaskNoLongerWaiting('the execution no longer waits for this task');
      throw err;
    }
  }
}

export class SnsApproverNotifier implements ApproverNotifier {
  constructor(
    private readonly topicArn: string,
    private readonly client = new SNSClient({}),
  ) {}

  async publish(message: ApprovalMessage): Promise<void> {
    await this.client.send(new PublishCommand({ TopicArn: this.topicArn, Subject: message.subject, Message: message.text }));
  }
}

/** The approval-link key from Secrets Manager (at least 32 bytes), with the same bounded lifetime as upstream keys. */
export function linkKeyFromSecret(secretArn: string, client: SecretsClient = new SecretsManagerClient({})): () => Promise<Uint8Array> {
  return cachedSecret({
    client,
    secretId: secretArn,
    parse: (secretString) => {
      const key = Buffer.from(secretString?.trim() ?? '', 'utf8');
      if (key.length < 32) throw new Error('the approval link secret must hold at least 32 characters');
      return key;
    },
  });
}
