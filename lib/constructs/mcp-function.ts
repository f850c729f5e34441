import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { McpUpstreamSetting } from '../config';
import type { StatefulResources } from '../stateful-stack';
import { acknowledgeNag, nagImportName } from '../nag';
import { AirlockFunction, type AirlockFunctionProps, type FunctionEnvironment } from './airlock-function';
import { STREAMING_TIMEOUT } from './gateway-api';

export interface McpFunctionProps {
  stateful: StatefulResources;
  sessionEvents: IEventBus;
  upstreams: readonly McpUpstreamSetting[];
  /** Identity settings (issuers), limits and the public URL; the stateful resources' names are added here. */
  environment: Omit<FunctionEnvironment<'mcp'>, 'AIRLOCK_SESSION_TABLE' | 'AIRLOCK_TRANSCRIPT_BUCKET' | 'AIRLOCK_EVENT_BUS_NAME' | 'AIRLOCK_MCP_UPSTREAMS' | 'AIRLOCK_APPROVAL_TABLE'>;
  functionDefaults: Pick<AirlockFunctionProps, 'policyPath' | 'logRetention' | 'logRemovalPolicy'>;
}

const TRANSCRIPT_PREFIX = 'transcripts/';

/**
 * The MCP gateway function (`/mcp`, `/.well-known/oauth-protected-resource`), apart from the chat
 * proxy so its parsers do not grow that bundle. It records sessions like the proxy and may read
 * only the secrets of the configured MCP upstreams: no LLM upstream key.
 */
export class McpFunction extends Construct {
  readonly function: AirlockFunction<'mcp'>;

  constructor(scope: Construct, id: string, props: McpFunctionProps) {
    super(scope, id);
    const { sessionTable, transcriptBucket, key, approvalTable } = props.stateful;
    this.function = new AirlockFunction(this, 'Mcp', {
      ...props.functionDefaults,
      handler: 'mcp',
      description: 'Airlock: MCP gateway (/mcp)',
      memorySize: 1024,
      timeout: STREAMING_TIMEOUT,
      environment: {
        ...props.environment,
        AIRLOCK_SESSION_TABLE: sessionTable.tableName,
        AIRLOCK_TRANSCRIPT_BUCKET: transcriptBucket.bucketName,
        AIRLOCK_EVENT_BUS_NAME: props.sessionEvents.eventBusName,
        AIRLOCK_MCP_UPSTREAMS: JSON.stringify(props.upstreams),
        // Pinned tools live there (the approval workflow construct grants the items and the state machine).
        AIRLOCK_APPROVAL_TABLE: approvalTable.tableName,
      },
    });
    const role = this.function.role;
    sessionTable.grantReadWriteData(role);
    role.addToPrincipalPolicy(
      new PolicyStatement({ sid: 'TranscriptObjects', actions: ['s3:PutObject', 's3:GetObject'], resources: [transcriptBucket.arnForObjects(`${TRANSCRIPT_PREFIX}*`)] }),
    );
    key.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');
    props.sessionEvents.grantPutEventsTo(role);
    const secretArns = props.upstreams.flatMap((u) => (u.credential ? [u.credential.secretArn] : []));
    if (secretArns.length) {
      role.addToPrincipalPolicy(new PolicyStatement({ sid: 'McpUpstreamSecrets', actions: ['secretsmanager:GetSecretValue'], resources: secretArns }));
    }

    const tableArn = nagImportName(Stack.of(sessionTable), sessionTable.tableArn);
    const bucketArn = nagImportName(Stack.of(transcriptBucket), transcriptBucket.bucketArn);
    acknowledgeNag(role, {
      [`AwsSolutions-IAM5[Resource::${tableArn}/index/*]`]: "grantReadWriteData covers the session table's own indexes only.",
      [`AwsSolutions-IAM5[Resource::${bucketArn}/${TRANSCRIPT_PREFIX}*]`]:
        'Transcript keys are per session (transcripts/YYYY/MM/DD/{id}.json); the grant is limited to that prefix of the one bucket.',
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]': "Granted by grantReadWriteData for the table's customer-managed key only.",
      'AwsSolutions-IAM5[Action::kms:ReEncrypt*]': "Granted by grantReadWriteData for the table's customer-managed key only.",
    });
  }
}
