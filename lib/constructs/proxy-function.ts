import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { StatefulResources } from '../stateful-stack';
import { acknowledgeNag, nagImportName } from '../nag';
import { AirlockFunction, type AirlockFunctionProps, type FunctionEnvironment } from './airlock-function';
import { chatUpstreamEnvironment, grantChatUpstreams, type ChatUpstreamSettings } from './chat-upstream-access';
import { STREAMING_TIMEOUT } from './gateway-api';

export interface ProxyFunctionProps {
  stateful: StatefulResources;
  /** Where every finished session's metadata goes (a SIEM subscribes with rules on this bus). */
  sessionEvents: IEventBus;
  /** What the stack decides (upstream URLs, limits, the public URL); the stateful resources' names are added here. */
  environment: Omit<FunctionEnvironment<'proxy'>, 'AIRLOCK_SESSION_TABLE' | 'AIRLOCK_USAGE_TABLE' | 'AIRLOCK_TRANSCRIPT_BUCKET' | 'AIRLOCK_UPSTREAMS' | 'AIRLOCK_UPSTREAM_URL' | 'AIRLOCK_UPSTREAM_SECRET_ARN' | 'AIRLOCK_ANTHROPIC_URL' | 'AIRLOCK_ANTHROPIC_SECRET_ARN' | 'AIRLOCK_EVENT_BUS_NAME'>;
  /** The chat upstreams: the configured list, or the shorthand with the stack's upstream secrets. */
  upstreams: ChatUpstreamSettings;
  functionDefaults: Pick<AirlockFunctionProps, 'policyPath' | 'logRetention' | 'logRemovalPolicy'>;
}

/** Transcript objects live under this prefix (lambdas/store/schema.ts `transcriptKey`). */
const TRANSCRIPT_PREFIX = 'transcripts/';

/**
 * The streaming proxy serving every `/v1/*` route. It may read and write the session table, update
 * and read the usage counters, put
 * and get transcript objects, read the upstream secrets, use the data key for those, and publish
 * session events to its bus: nothing else.
 */
export class ProxyFunction extends Construct {
  readonly function: AirlockFunction<'proxy'>;

  constructor(scope: Construct, id: string, props: ProxyFunctionProps) {
    super(scope, id);
    const { sessionTable, usageTable, transcriptBucket, key } = props.stateful;
    this.function = new AirlockFunction(this, 'Proxy', {
      ...props.functionDefaults,
      handler: 'proxy',
      description: 'Airlock: streaming proxy for the /v1 API',
      memorySize: 1024,
      timeout: STREAMING_TIMEOUT,
      environment: {
        ...props.environment,
        AIRLOCK_SESSION_TABLE: sessionTable.tableName,
        AIRLOCK_USAGE_TABLE: usageTable.tableName,
        AIRLOCK_TRANSCRIPT_BUCKET: transcriptBucket.bucketName,
        ...chatUpstreamEnvironment(props.upstreams),
        AIRLOCK_EVENT_BUS_NAME: props.sessionEvents.eventBusName,
      },
    });
    const role = this.function.role;

    sessionTable.grantReadWriteData(role);
    // The rate limits' counters: a conditional UpdateItem to take a slot or add tokens, a GetItem to read a budget.
    role.addToPrincipalPolicy(new PolicyStatement({ sid: 'UsageCounters', actions: ['dynamodb:UpdateItem', 'dynamodb:GetItem'], resources: [usageTable.tableArn] }));
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'TranscriptObjects',
        actions: ['s3:PutObject', 's3:GetObject'],
        resources: [transcriptBucket.arnForObjects(`${TRANSCRIPT_PREFIX}*`)],
      }),
    );
    key.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');
    props.sessionEvents.grantPutEventsTo(role);
    grantChatUpstreams(role, props.upstreams);

    const tableArn = nagImportName(Stack.of(sessionTable), sessionTable.tableArn);
    const bucketArn = nagImportName(Stack.of(transcriptBucket), transcriptBucket.bucketArn);
    acknowledgeNag(role, {
      [`AwsSolutions-IAM5[Resource::${tableArn}/index/*]`]:
        'Queries use the session table\'s own indexes (byPrincipal, byStatusShard, byDay); the wildcard covers only indexes of that one table.',
      [`AwsSolutions-IAM5[Resource::${bucketArn}/${TRANSCRIPT_PREFIX}*]`]:
        'Transcript keys are per session (transcripts/YYYY/MM/DD/<shard>/{id}.json); the grant is limited to that prefix of the one bucket.',
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]': 'Granted by grantReadWriteData for the table\'s customer-managed key only.',
      'AwsSolutions-IAM5[Action::kms:ReEncrypt*]': 'Granted by grantReadWriteData for the table\'s customer-managed key only.',
    });
  }
}

