import { Duration } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { Alarm, ComparisonOperator, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, MetricFilter, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { SECURITY_EVENT_MESSAGE } from '../../lambdas/auth/security-event';

export interface WatchedFunction {
  /** Short name used in alarm ids and descriptions, e.g. `Proxy`. */
  name: string;
  fn: IFunction;
  timeout: Duration;
  /** Set for functions that log security events (refused tokens and groups): they are counted from it. */
  securityLog?: ILogGroup;
}

export interface ObservabilityProps {
  key: IKey;
  alarmEmail?: string;
  api: RestApi;
  functions: WatchedFunction[];
  /** State machines whose failed executions an operator must look at, e.g. the approval workflow. */
  stateMachines?: Array<{ name: string; machine: IStateMachine }>;
  /** Refused tokens and groups in one period at which an alarm fires (a burst an auditor should see). Default 20. */
  securityEventBurst?: number;
}

const PERIOD = Duration.minutes(5);

/** CloudWatch namespace and metric of security events, by `securityEvent` kind (token_refused, group_refused). */
export const SECURITY_METRIC = { namespace: 'Airlock/Security', name: 'SecurityEvents', dimension: 'securityEvent' } as const;

/**
 * Alarms on what an operator must act on, all sent to one KMS-encrypted SNS topic: function
 * errors, throttles and p99 duration near the timeout (calls about to be cut off), API 5XX, and
 * failed state machine executions.
 */
export class Observability extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.topic = new Topic(this, 'AlarmTopic', { displayName: 'Airlock alarms', masterKey: props.key, enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));

    for (const { name, fn, timeout } of props.functions) {
      this.alarm(`${name}Errors`, `${name} function: invocations ending in an unhandled error`, fn.metricErrors({ period: PERIOD }), 1);
      this.alarm(`${name}Throttles`, `${name} function: throttled invocations (concurrency exhausted)`, fn.metricThrottles({ period: PERIOD }), 1);
      this.alarm(
        `${name}DurationP99`,
        `${name} function: p99 duration above 80% of its timeout`,
        fn.metricDuration({ period: PERIOD, statistic: 'p99' }),
        timeout.toMilliseconds() * 0.8,
      );
    }
    // Security events are counted from the logs (a metric filter per log group, by kind): no metric
    // API call on the request path, and the log line itself is the auditor's record of each one.
    for (const { name, securityLog } of props.functions) {
      if (!securityLog) continue;
      const filter = new MetricFilter(this, `${name}SecurityEvents`, {
        logGroup: securityLog,
        metricNamespace: SECURITY_METRIC.namespace,
        metricName: SECURITY_METRIC.name,
        filterPattern: FilterPattern.stringValue('$.message', '=', SECURITY_EVENT_MESSAGE),
        metricValue: '1',
        dimensions: { [SECURITY_METRIC.dimension]: '$.securityEvent' },
      });
      this.alarm(
        `${name}SecurityEventBurst`,
        `${name} function: a burst of refused tokens or groups`,
        filter.metric({ period: PERIOD, statistic: 'Sum' }),
        props.securityEventBurst ?? 20,
      );
    }
    this.alarm('Api5xx', 'API: responses with a 5XX status', props.api.metricServerError({ period: PERIOD }), 5);
    for (const { name, machine } of props.stateMachines ?? []) {
      this.alarm(`${name}ExecutionsFailed`, `${name} state machine: executions that failed`, machine.metricFailed({ period: PERIOD }), 1);
    }
  }

  private alarm(id: string, description: string, metric: IMetric, threshold: number): void {
    const alarm = new Alarm(this, id, {
      alarmDescription: `Airlock: ${description}`,
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}
