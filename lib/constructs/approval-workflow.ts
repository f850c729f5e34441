import { chatUpstreamEnvironment, grantChatUpstreams, type ChatUpstreamSettings } from './chat-upstream-access';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { Method } from 'aws-cdk-lib/aws-apigateway';
import type { IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APPROVAL_TABLE } from '../../lambdas/store/approval-table';
import { PROJECT_ROOT } from '../function-bundling';
import { acknowledgeNag, nagImportName } from '../nag';
import { routesServedBy } from '../routes';
import type { StatefulResources } from '../stateful-stack';
import { AirlockFunction, type AirlockFunctionProps, type FunctionEnvironment } from './airlock-function';
import type { GatewayApi } from './gateway-api';

export const APPROVAL_ASL_FILE = join(PROJECT_ROOT, 'state-machines', 'approval.asl.json');

export interface ApprovalWorkflowProps {
  stateful: StatefulResources;
  api: GatewayApi;
  /** The proxy: it starts executions and reads/writes approvals (never task tokens). */
  proxy: AirlockFunction<'proxy'>;
  /** The MCP function: it keeps pinned tool sets (`mcp-tools#…` items) and asks for tool-change approvals (never task tokens). */
  mcp?: AirlockFunction<'mcp'>;
  /** The hosted-UI client approvers sign in with (public client, authorization code + PKCE). */
  approverClient: IUserPoolClient;
  approverEmails: string[];
  /** The API's public base URL (with the stage path): links and the sign-in callback point here. */
  publicBaseUrl: string;
  /** The proxy's chat upstreams, for the function that sends approved requests. */
  upstreams: ChatUpstreamSettings;
  /** The proxy's price table (AIRLOCK_PRICES): an approved answer is priced like a direct one. */
  prices?: string;
  sessionTtlDays: number;
  /** Approval decisions and outcomes are published here, next to session events. */
  events: IEventBus;
  functionDefaults: Pick<AirlockFunctionProps, 'policyPath' | 'logRetention' | 'logRemovalPolicy'>;
}

const TRANSCRIPTS = 'transcripts/*';
const NOT_A_TOKEN = { 'ForAllValues:StringNotLike': { 'dynamodb:LeadingKeys': [`${APPROVAL_TABLE.tokenPrefix}*`] } };

/**
 * Just-in-time approval in AWS: the state machine from state-machines/approval.asl.json (function
 * ARNs as DefinitionSubstitutions), the KMS-encrypted approvers' topic with its e-mail
 * subscriptions, the link-signing key, and five functions with only what each needs. Task tokens
 * live in the approval table under `token#…`: only notify (writes) and decide (reads, deletes) may
 * touch those items, and only decide may send task results.
 */
export class ApprovalWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly topic: Topic;
  readonly linkKey: Secret;
  readonly notify: AirlockFunction;
  readonly invokeUpstream: AirlockFunction;
  readonly recordOutcome: AirlockFunction;
  readonly page: AirlockFunction;
  readonly decide: AirlockFunction;

  constructor(scope: Construct, id: string, props: ApprovalWorkflowProps) {
    super(scope, id);
    const { stateful } = props;
    const { key, approvalTable, sessionTable, transcriptBucket, usageTable, userPool, userPoolDomain } = stateful;

    this.linkKey = new Secret(this, 'LinkKey', {
      description: 'Airlock: HMAC key for approval links and approval-form tokens',
      encryptionKey: key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.topic = new Topic(this, 'ApproverTopic', { displayName: 'Airlock approvals', masterKey: key, enforceSSL: true });
    for (const email of props.approverEmails) this.topic.addSubscription(new EmailSubscription(email));

    const records: FunctionEnvironment<'approval-record-outcome'> = {
      AIRLOCK_APPROVAL_TABLE: approvalTable.tableName,
      AIRLOCK_SESSION_TABLE: sessionTable.tableName,
      AIRLOCK_TRANSCRIPT_BUCKET: transcriptBucket.bucketName,
      AIRLOCK_SESSION_TTL_DAYS: String(props.sessionTtlDays),
    };
    const pages: FunctionEnvironment<'approval-page'> = {
      ...records,
      AIRLOCK_PUBLIC_BASE_URL: props.publicBaseUrl,
      AIRLOCK_APPROVAL_LINK_SECRET_ARN: this.linkKey.secretArn,
      AIRLOCK_COGNITO_USER_POOL_ID: userPool.userPoolId,
      // Only the approvers' hosted-UI client: a CI or API token is no approver sign-in.
      AIRLOCK_COGNITO_CLIENT_IDS: props.approverClient.userPoolClientId,
      AIRLOCK_APPROVER_SIGN_IN: Stack.of(this).toJsonString({
        authorizeUrl: `${userPoolDomain.baseUrl()}/oauth2/authorize`,
        tokenUrl: `${userPoolDomain.baseUrl()}/oauth2/token`,
        clientId: props.approverClient.userPoolClientId,
        scopes: ['openid', 'email', 'profile'],
      }),
    };
    const defaults = props.functionDefaults;
    const memory = { memorySize: 512 };

    this.notify = new AirlockFunction(this, 'Notify', {
      ...defaults,
      ...memory,
      handler: 'approval-notify',
      description: 'Airlock: keeps the task token, mails the approvers a signed link',
      environment: { ...records, AIRLOCK_PUBLIC_BASE_URL: props.publicBaseUrl, AIRLOCK_APPROVAL_LINK_SECRET_ARN: this.linkKey.secretArn, AIRLOCK_APPROVAL_TOPIC_ARN: this.topic.topicArn },
      timeout: Duration.seconds(30),
    });
    this.invokeUpstream = new AirlockFunction(this, 'InvokeUpstream', {
      ...defaults,
      handler: 'approval-invoke-upstream',
      description: 'Airlock: sends an approved, masked request upstream and masks the answer',
      environment: {
        ...records,
        ...chatUpstreamEnvironment(props.upstreams),
        // The approved answer's tokens count against the requester's budgets, in the proxy's counters.
        AIRLOCK_USAGE_TABLE: usageTable.tableName,
        ...(props.prices ? { AIRLOCK_PRICES: props.prices } : {}),
      },
      timeout: Duration.seconds(240),
      memorySize: 1024,
    });
    this.recordOutcome = new AirlockFunction(this, 'RecordOutcome', {
      ...defaults,
      ...memory,
      handler: 'approval-record-outcome',
      description: 'Airlock: records how an approval ended',
      environment: { ...records, AIRLOCK_EVENT_BUS_NAME: props.events.eventBusName },
      timeout: Duration.seconds(20),
    });
    this.page = new AirlockFunction(this, 'Page', {
      ...defaults,
      ...memory,
      handler: 'approval-page',
      description: 'Airlock: approval page (read-only) and approver sign-in',
      environment: pages,
      timeout: Duration.seconds(15),
    });
    this.decide = new AirlockFunction(this, 'Decide', {
      ...defaults,
      ...memory,
      handler: 'approval-decide',
      description: 'Airlock: takes an approver decision and resumes the workflow',
      environment: { ...pages, AIRLOCK_EVENT_BUS_NAME: props.events.eventBusName },
      timeout: Duration.seconds(15),
    });

    const logs = new LogGroup(this, 'ExecutionLogs', { retention: props.functionDefaults.logRetention, removalPolicy: props.functionDefaults.logRemovalPolicy });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      // Inline (not an S3 asset), so the template itself shows what runs.
      definitionBody: DefinitionBody.fromString(readFileSync(APPROVAL_ASL_FILE, 'utf8')),
      definitionSubstitutions: {
        NotifyFunctionArn: this.notify.fn.functionArn,
        InvokeUpstreamFunctionArn: this.invokeUpstream.fn.functionArn,
        RecordOutcomeFunctionArn: this.recordOutcome.fn.functionArn,
      },
      tracingEnabled: true,
      // Executions carry ids only; execution data stays out of the logs all the same.
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
      comment: 'Airlock just-in-time approval',
    });
    // The unqualified functions the definition names, not every version (grantInvoke adds `:*`).
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        sid: 'WorkflowSteps',
        actions: ['lambda:InvokeFunction'],
        resources: [this.notify, this.invokeUpstream, this.recordOutcome].map((step) => step.fn.functionArn),
      }),
    );

    // Approval items (never token items): every function of the flow reads them, some write.
    const approvals = (role: IRole, actions: string[], sid: string) =>
      role.addToPrincipalPolicy(new PolicyStatement({ sid, actions, resources: [approvalTable.tableArn], conditions: NOT_A_TOKEN }));
    const anyItem = (role: IRole, actions: string[], sid: string) =>
      role.addToPrincipalPolicy(new PolicyStatement({ sid, actions, resources: [approvalTable.tableArn] }));
    const readLinkKey = (role: IRole) =>
      role.addToPrincipalPolicy(new PolicyStatement({ sid: 'ApprovalLinkKey', actions: ['secretsmanager:GetSecretValue'], resources: [this.linkKey.secretArn] }));
    const dataKey = (role: IRole) => key.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');
    const sessionUpdate = (role: IRole) =>
      role.addToPrincipalPolicy(new PolicyStatement({ sid: 'SessionRecord', actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], resources: [sessionTable.tableArn] }));
    const transcripts = (role: IRole, actions: string[]) =>
      role.addToPrincipalPolicy(new PolicyStatement({ sid: 'TranscriptObjects', actions, resources: [transcriptBucket.arnForObjects(TRANSCRIPTS)] }));

    const notify = this.notify.role;
    anyItem(notify, ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem'], 'ApprovalsAndTaskTokens');
    readLinkKey(notify);
    dataKey(notify);
    this.topic.grantPublish(notify);

    const invoke = this.invokeUpstream.role;
    approvals(invoke, ['dynamodb:GetItem', 'dynamodb:UpdateItem'], 'Approvals');
    transcripts(invoke, ['s3:GetObject', 's3:PutObject']);
    grantChatUpstreams(invoke, props.upstreams);
    // Adds to the budget counters (and takes the once-per-approval marker): conditional updates, no read or scan.
    invoke.addToPrincipalPolicy(new PolicyStatement({ sid: 'UsageCounters', actions: ['dynamodb:UpdateItem'], resources: [usageTable.tableArn] }));
    dataKey(invoke);

    const record = this.recordOutcome.role;
    approvals(record, ['dynamodb:GetItem', 'dynamodb:UpdateItem'], 'Approvals');
    sessionUpdate(record);
    dataKey(record);
    props.events.grantPutEventsTo(record);

    const page = this.page.role;
    approvals(page, ['dynamodb:GetItem'], 'Approvals');
    readLinkKey(page);
    dataKey(page);
    // The console (read-only): finds a held session's approval by its request hash, searches and reads sessions and transcripts.
    page.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ApprovalByRequestHash',
        actions: ['dynamodb:Query'],
        resources: [`${approvalTable.tableArn}/index/${APPROVAL_TABLE.indexes.byRequestHash.name}`],
        conditions: NOT_A_TOKEN,
      }),
    );
    page.addToPrincipalPolicy(
      new PolicyStatement({ sid: 'SessionSearch', actions: ['dynamodb:GetItem', 'dynamodb:Query'], resources: [sessionTable.tableArn, `${sessionTable.tableArn}/index/*`] }),
    );
    transcripts(page, ['s3:GetObject']);

    const decide = this.decide.role;
    anyItem(decide, ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], 'ApprovalsAndTaskTokens');
    sessionUpdate(decide);
    readLinkKey(decide);
    dataKey(decide);
    this.stateMachine.grantTaskResponse(decide);
    props.events.grantPutEventsTo(decide);

    const proxy = props.proxy.role;
    proxy.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'Approvals',
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
        resources: [approvalTable.tableArn, `${approvalTable.tableArn}/index/${APPROVAL_TABLE.indexes.byRequestHash.name}`],
        conditions: NOT_A_TOKEN,
      }),
    );
    this.stateMachine.grantStartExecution(proxy);
    props.proxy.setEnvironment('AIRLOCK_APPROVAL_TABLE', approvalTable.tableName);
    props.proxy.setEnvironment('AIRLOCK_APPROVAL_STATE_MACHINE_ARN', this.stateMachine.stateMachineArn);

    if (props.mcp) {
      // Pinned MCP tools: tool sets and tool-change approvals are items of the approval table.
      props.mcp.role.addToPrincipalPolicy(
        new PolicyStatement({ sid: 'ToolSetsAndToolChanges', actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], resources: [approvalTable.tableArn], conditions: NOT_A_TOKEN }),
      );
      this.stateMachine.grantStartExecution(props.mcp.role);
      props.mcp.setEnvironment('AIRLOCK_APPROVAL_STATE_MACHINE_ARN', this.stateMachine.stateMachineArn);
    }

    this.routes(props.api);
    this.acknowledge(stateful);
  }

  /** The approver's routes (lambdas/gateway/routes.ts): GET reaches only the read-only page function. */
  private routes(api: GatewayApi): Method[] {
    return [...api.addRoutes(routesServedBy('approval-page'), this.page.fn), ...api.addRoutes(routesServedBy('approval-decide'), this.decide.fn)];
  }

  private acknowledge(stateful: StatefulResources): void {
    const bucketArn = nagImportName(Stack.of(stateful.transcriptBucket), stateful.transcriptBucket.bucketArn);
    acknowledgeNag(this.stateMachine, {
      'AwsSolutions-IAM5[Resource::*]':
        'CloudWatch Logs log-delivery actions and X-Ray trace writes do not support resource-level permissions.',
    });
    acknowledgeNag(this.linkKey, {
      'AwsSolutions-SMG4':
        'Rotating the link key invalidates every approval link in flight; rotate it by replacing the secret (a redeploy) between approval windows.',
    });
    const tableArn = nagImportName(Stack.of(stateful.sessionTable), stateful.sessionTable.tableArn);
    acknowledgeNag(this.page.role, {
      [`AwsSolutions-IAM5[Resource::${tableArn}/index/*]`]:
        "The console's session search queries the session table's own indexes (byPrincipal, byStatusShard, byDay); the wildcard covers only that table's indexes.",
      [`AwsSolutions-IAM5[Resource::${bucketArn}/${TRANSCRIPTS}]`]: 'The console reads transcripts (read-only), under the transcripts/ prefix of the one bucket.',
    });
    acknowledgeNag(this.invokeUpstream.role, {
      [`AwsSolutions-IAM5[Resource::${bucketArn}/${TRANSCRIPTS}]`]: 'Reads the held request and writes the approved exchange, both under the transcripts/ prefix of the one bucket.',
    });
    for (const fn of [this.notify, this.invokeUpstream, this.recordOutcome, this.page, this.decide]) {
      acknowledgeNag(fn.role, {
        'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]': 'The data key only (customer-managed), for the encrypted table, bucket, secret and topic.',
      });
    }
  }
}
