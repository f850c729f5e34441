import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { APPROVAL_TABLE } from '../../lambdas/store/approval-table';
import type { McpUpstreamSetting } from '../config';
import type { StatefulResources } from '../stateful-stack';
import { acknowledgeNag, nagImportName } from '../nag';
import { AirlockFunction, type AirlockFunctionProps, type FunctionEnvironment } from './airlock-function';
import type { CallTokenKey } from './call-token-key';
import { STREAMING_TIMEOUT } from './gateway-api';

export interface McpFunctionProps {
  stateful: StatefulResources;
  sessionEvents: IEventBus;
  upstreams: readonly McpUpstreamSetting[];
  /** Identity settings (issuers), limits and the public URL; the stateful resources' names are added here. */
  environment: Omit<FunctionEnvironment<'mcp'>, 'AIRLOCK_SESSION_TABLE' | 'AIRLOCK_TRANSCRIPT_BUCKET' | 'AIRLOCK_EVENT_BUS_NAME' | 'AIRLOCK_MCP_UPSTREAMS' | 'AIRLOCK_APPROVAL_TABLE'>;
  functionDefaults: Pick<AirlockFunctionProps, 'policyPath' | 'logRetention' | 'logRemovalPolicy'>;
  /** The key that signs per-call upstream tokens: given when an upstream uses them; only this function may sign. */
  callTokenKey?: CallTokenKey;
}

const TRANSCRIPT_PREFIX = 'transcripts/';
/** Approval items only: task tokens (`token#…`) stay with the notify and decide functions. */
const NOT_A_TOKEN = { 'ForAllValues:StringNotLike': { 'dynamodb:LeadingKeys': [`${APPROVAL_TABLE.tokenPrefix}*`] } };

/**
 * The MCP gateway function (`/mcp`, `/.well-known/oauth-protected-resource`), apart from the chat
 * proxy so its parsers do not grow that bundle. It records sessions like the proxy and may read
 * only the secrets of the configured MCP upstreams: no LLM upstream key.
 */
export class McpFunction extends Construct {
  readonly function: AirlockFunction<'mcp'>;
  private readonly approvalTable: ITable;

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
        ...(props.callTokenKey ? { AIRLOCK_MCP_CALL_TOKEN_KEY_ARN: props.callTokenKey.key.keyArn } : {}),
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
    props.callTokenKey?.grantSigning(role);
    const secretArns = props.upstreams.flatMap((u) => (u.credential && 'secretArn' in u.credential ? [u.credential.secretArn] : []));
    if (secretArns.length) {
      role.addToPrincipalPolicy(new PolicyStatement({ sid: 'McpUpstreamSecrets', actions: ['secretsmanager:GetSecretValue'], resources: secretArns }));
    }

    this.approvalTable = props.stateful.approvalTable;
    const tableArn = nagImportName(Stack.of(sessionTable), sessionTable.tableArn);
    const bucketArn = nagImportName(Stack.of(transcriptBucket), transcriptBucket.bucketArn);
    acknowledgeNag(role, {
      [`AwsSolutions-IAM5[Resource::${tableArn}/index/*]`]: "grantReadWriteData covers the session table's own indexes only.",
      [`AwsSolutions-IAM5[Resource::${bucketArn}/${TRANSCRIPT_PREFIX}*]`]:
        'Transcript keys are per session (transcripts/YYYY/MM/DD/<shard>/{id}.json); the grant is limited to that prefix of the one bucket.',
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]': "Granted by grantReadWriteData for the table's customer-managed key only.",
      'AwsSolutions-IAM5[Action::kms:ReEncrypt*]': "Granted by grantReadWriteData for the table's customer-managed key only.",
    });
  }

  /**
   * Reviewed tool calls: the function holds them in the approval workflow (starts executions of the
   * one state machine) and reads and writes approval items (never task tokens); it sends an approved
   * call itself, with the upstream credential it already holds.
   */
  useApprovals(stateMachine: IStateMachine): void {
    const role = this.function.role;
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'Approvals',
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
        resources: [this.approvalTable.tableArn, `${this.approvalTable.tableArn}/index/${APPROVAL_TABLE.indexes.byRequestHash.name}`],
        conditions: NOT_A_TOKEN,
      }),
    );
    stateMachine.grantStartExecution(role);
    this.function.setEnvironment('AIRLOCK_APPROVAL_TABLE', this.approvalTable.tableName);
    this.function.setEnvironment('AIRLOCK_APPROVAL_STATE_MACHINE_ARN', stateMachine.stateMachineArn);
  }
}
