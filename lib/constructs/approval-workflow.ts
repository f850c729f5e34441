import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { LambdaIntegration, type Method } from 'aws-cdk-lib/aws-apigateway';
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
import type { StatefulResources } from '../stateful-stack';
import { AirlockFunction, type AirlockFunctionProps, type RuntimeEnvironment } from './airlock-function';
import type { GatewayApi } from './gateway-api';

export const APPROVAL_ASL_FILE = join(PROJECT_ROOT, 'state-machines', 'approval.asl.json');

export interface ApprovalWorkflowProps {
  stateful: StatefulResources;
  api: GatewayApi;
  /** The proxy: it starts executions and reads/writes approvals (never task tokens). */
  proxy: AirlockFunction;
  /** The hosted-UI client approvers sign in with (public client, authorization code + PKCE). */
  approverClient: IUserPoolClient;
  approverEmails: string[];
  /** The API's public base URL (with the stage path): links and the sign-in callback point here. */
  publicBaseUrl: string;
  /** The proxy's upstream settings (URLs), for the function that sends approved requests. */
  upstreamEnvironment: RuntimeEnvironment;
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
    const { key, approvalTable, sessionTable, transcriptBucket, upstreamSecret, anthropicSecret, userPool, userPoolDomain } = stateful;

    this.linkKey = new Secret(this, 'LinkKey', {
      description: 'Airlock: HMAC key for approval links and approval-form tokens',
      encryptionKey: key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.topic = new Topic(this, 'ApproverTopic', { displayName: 'Airlock approvals', masterKey: key, enforceSSL: true });
    for (const email of props.approverEmails) this.topic.addSubscription(new EmailSubscription(email));

    const records: RuntimeEnvironment = {
      AIRLOCK_APPROVAL_TABLE: approvalTable.tableName,
      AIRLOCK_SESSION_TABLE: sessionTable.tableName,
      AIRLOCK_TRANSCRIPT_BUCKET: transcriptBucket.bucketName,
      AIRLOCK_SESSION_TTL_DAYS: String(props.sessionTtlDays),
      AIRLOCK_PUBLIC_BASE_URL: props.publicBaseUrl,
    };
    const pages: RuntimeEnvironment = {
      ...records,
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
    const fn = (name: string, handler: string, description: string, environment: RuntimeEnvironment, timeout: Duration, memorySize = 512) =>
      new AirlockFunction(this, name, { ...props.functionDefaults, handler, description, environment, timeout, memorySize });

    this.notify = fn('Notify', 'approval-notify', 'Airlock: keeps the task token, mails the approvers a signed link', {
      ...records,
      AIRLOCK_APPROVAL_LINK_SECRET_ARN: this.linkKey.secretArn,
      AIRLOCK_APPROVAL_TOPIC_ARN: this.topic.topicArn,
    }, Duration.seconds(30));
    this.invokeUpstream = fn('InvokeUpstream', 'approval-invoke-upstream', 'Airlock: sends an approved, masked request upstream and masks the answer', {
      ...records,
      ...props.upstreamEnvironment,
      AIRLOCK_UPSTREAM_SECRET_ARN: upstreamSecret.secretArn,
      ...(anthropicSecret ? { AIRLOCK_ANTHROPIC_SECRET_ARN: anthropicSecret.secretArn } : {}),
    }, Duration.seconds(240), 1024);
    const published: RuntimeEnvironment = { AIRLOCK_EVENT_BUS_NAME: props.events.eventBusName };
    this.recordOutcome = fn('RecordOutcome', 'approval-record-outcome', 'Airlock: records how an approval ended', { ...records, ...published }, Duration.seconds(20));
    this.page = fn('Page', 'approval-page', 'Airlock: approval page (read-only) and approver sign-in', pages, Duration.seconds(15));
    this.decide = fn('Decide', 'approval-decide', 'Airlock: takes an approver decision and resumes the workflow', { ...pages, ...published }, Duration.seconds(15));

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
    invoke.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'UpstreamSecrets',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [upstreamSecret.secretArn, ...(anthropicSecret ? [anthropicSecret.secretArn] : [])],
      }),
    );
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
    props.proxy.fn.addEnvironment('AIRLOCK_APPROVAL_TABLE', approvalTable.tableName);
    props.proxy.fn.addEnvironment('AIRLOCK_APPROVAL_STATE_MACHINE_ARN', this.stateMachine.stateMachineArn);

    this.routes(props.api);
    this.acknowledge(stateful);
  }

  /**
   * The approver's routes carry no bearer token: the link's signature, the approver's own sign-in
   * and the CSRF token are checked by the functions. GET reaches only the read-only page function.
   */
  private routes(api: GatewayApi): Method[] {
    const reason = 'Approvers arrive from a mailed link, not with a bearer token: the function checks the link signature, the signed-in approver (Cognito ID token in an HttpOnly cookie) and, for decisions, a CSRF token.';
    const page = new LambdaIntegration(this.page.fn, { proxy: true, allowTestInvoke: false });
    const decide = new LambdaIntegration(this.decide.fn, { proxy: true, allowTestInvoke: false });
    const approvals = api.api.root.resourceForPath('/approvals');
    const methods = [
      approvals.resourceForPath('{id}').addMethod('GET', page),
      approvals.resourceForPath('{id}').addMethod('POST', decide),
      approvals.resourceForPath('sign-in').addMethod('GET', page),
      approvals.resourceForPath('callback').addMethod('GET', page),
    ];
    for (const method of methods) {
      acknowledgeNag(method, { 'AwsSolutions-APIG4': reason, 'AwsSolutions-COG4': reason });
    }
    return methods;
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
