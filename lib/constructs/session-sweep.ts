import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { SESSION_TABLE } from '../../lambdas/store/schema';
import { AirlockFunction, type AirlockFunctionProps } from './airlock-function';

export interface SessionSweepProps {
  sessionTable: ITable;
  /** The table's customer-managed key. */
  key: IKey;
  /** The longest a proxied call can run (the proxy function's timeout): older in_progress sessions died with their invocation. */
  longestCall: Duration;
  functionDefaults: Pick<AirlockFunctionProps, 'policyPath' | 'logRetention' | 'logRemovalPolicy'>;
}

/** How often the sweep runs. */
export const SWEEP_RATE = Duration.minutes(5);
/** Past the longest call, so a session still being finished is never taken for dead. */
const SWEEP_SLACK = Duration.minutes(1);

/**
 * Every five minutes, marks sessions a Lambda invocation left `in_progress` (timeout, out of
 * memory, crash) as `interrupted`. It may Query the status index and UpdateItem the session
 * table (conditional writes), use the table's key for that, and nothing else: no Scan, no reads of
 * other indexes, no transcripts.
 */
export class SessionSweep extends Construct {
  readonly function: AirlockFunction;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: SessionSweepProps) {
    super(scope, id);
    const { sessionTable, key } = props;
    this.function = new AirlockFunction(this, 'Sweep', {
      ...props.functionDefaults,
      handler: 'session-sweep',
      description: 'Airlock: marks sessions left in_progress by a dead invocation as interrupted',
      memorySize: 256,
      timeout: Duration.minutes(2),
      environment: {
        AIRLOCK_SESSION_TABLE: sessionTable.tableName,
        AIRLOCK_SWEEP_AFTER_SECONDS: String(props.longestCall.plus(SWEEP_SLACK).toSeconds()),
      },
    });
    const role = this.function.role;
    const statusIndexArn = `${sessionTable.tableArn}/index/${SESSION_TABLE.indexes.byStatus.name}`;
    role.addToPrincipalPolicy(new PolicyStatement({ sid: 'QueryStatusIndex', actions: ['dynamodb:Query'], resources: [statusIndexArn] }));
    role.addToPrincipalPolicy(new PolicyStatement({ sid: 'MarkInterrupted', actions: ['dynamodb:UpdateItem'], resources: [sessionTable.tableArn] }));
    key.grant(role, 'kms:Decrypt', 'kms:GenerateDataKey');

    this.rule = new Rule(this, 'Schedule', {
      description: 'Airlock: interrupted-session sweep',
      schedule: Schedule.rate(SWEEP_RATE),
      // The next run repeats a failed one (the sweep is idempotent): no retries, no dead-letter queue.
      targets: [new LambdaFunction(this.function.fn, { retryAttempts: 0 })],
    });
  }
}
