import type { ChatUpstreamSettings } from './constructs/chat-upstream-access';
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { DeployConfig } from './config';
import type { AirlockFunctionProps } from './constructs/airlock-function';
import { ApprovalWorkflow } from './constructs/approval-workflow';
import { AuditEvents } from './constructs/audit-events';
import { GatewayApi } from './constructs/gateway-api';
import { GatewayIdentity } from './constructs/gateway-identity';
import { Observability } from './constructs/observability';
import { CallTokenKey } from './constructs/call-token-key';
import { McpFunction } from './constructs/mcp-function';
import { ProxyFunction } from './constructs/proxy-function';
import { SessionSweep } from './constructs/session-sweep';
import type { StatefulResources } from './stateful-stack';
import { routesServedBy } from './routes';

export interface StatelessStackProps extends StackProps {
  config: DeployConfig;
  /** Absolute path of the validated policy file bundled into every function. */
  policyPath: string;
  stateful: StatefulResources;
}

/**
 * The API and its functions, rebuilt freely: identity wiring and the TOKEN authorizer, the REST
 * API, the streaming proxy, alarms. Everything stateful comes in through `stateful`.
 */
export class StatelessStack extends Stack {
  readonly api: GatewayApi;
  readonly identity: GatewayIdentity;
  readonly proxy: ProxyFunction;
  readonly observability: Observability;
  readonly approvals: ApprovalWorkflow;
  readonly sessionSweep: SessionSweep;
  readonly mcp: McpFunction;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config, stateful } = props;
    const functionDefaults: Pick<AirlockFunctionProps, 'policyPath' | 'logRetention' | 'logRemovalPolicy'> = {
      policyPath: props.policyPath,
      logRetention: config.logRetentionDays as RetentionDays,
      logRemovalPolicy: config.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    };

    this.identity = new GatewayIdentity(this, 'Identity', {
      userPool: stateful.userPool,
      clients: [stateful.ciClient],
      config,
      functionDefaults,
    });
    this.api = new GatewayApi(this, 'Api', {
      apiName: `${config.namePrefix}-${config.stage}`,
      stageName: config.stage,
      authorizerFunction: this.identity.authorizer.fn,
      throttle: config.throttle,
      logRetention: functionDefaults.logRetention,
      logRemovalPolicy: functionDefaults.logRemovalPolicy,
      ...(config.mcpUpstreams.length ? { mcpResourceMetadata: config.publicBaseUrl ? { publicBaseUrl: config.publicBaseUrl } : {} } : {}),
    });
    const publicBaseUrl = config.publicBaseUrl ?? this.api.stageUrl;
    const approverClient = this.identity.addHostedUiClient('ApproverClient', {
      name: 'airlock-approvers',
      callbackUrls: [`${publicBaseUrl}/approvals/callback`],
      publicClient: true,
    });

    const sessionEvents = new EventBus(this, 'SessionEvents', {
      eventBusName: `${config.namePrefix}-${config.stage}-sessions`,
      description: 'Airlock: one event per finished session (metadata only, never prompt text)',
    });
    new AuditEvents(this, 'AuditEvents', { bus: sessionEvents, ...config.sessionEvents });
    // The configured upstream list, or the single-upstream shorthand with the stateful stack's secrets.
    const upstreams: ChatUpstreamSettings = config.upstreams.length
      ? { upstreams: config.upstreams }
      : { upstreamUrl: config.upstreamUrl, anthropicUrl: config.anthropicUrl, upstreamSecret: stateful.upstreamSecret, anthropicSecret: stateful.anthropicSecret };
    this.proxy = new ProxyFunction(this, 'Proxy', {
      stateful,
      sessionEvents,
      functionDefaults,
      upstreams,
      environment: {
        ...(config.prices.length ? { AIRLOCK_PRICES: JSON.stringify(config.prices) } : {}),
        AIRLOCK_MAX_BODY_BYTES: String(config.maxBodyBytes),
        AIRLOCK_SESSION_TTL_DAYS: String(config.sessionTtlDays),
        AIRLOCK_PUBLIC_BASE_URL: publicBaseUrl,
      },
    });
    this.api.addRoutes(routesServedBy('proxy'), this.proxy.function.fn);
    // Per-call tokens are short-lived and the key holds no data, so it lives with the function that signs:
    // its key policy can then name that function's role.
    const callTokenKey = config.mcpUpstreams.some((u) => u.credential?.mode === 'per-call-token')
      ? new CallTokenKey(this, 'McpCallTokenKey', { alias: `alias/${config.namePrefix}-${config.stage}-mcp-call-tokens`, removalPolicy: config.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN })
      : undefined;
    this.mcp = new McpFunction(this, 'Mcp', {
      stateful,
      sessionEvents,
      upstreams: config.mcpUpstreams,
      ...(callTokenKey ? { callTokenKey } : {}),
      functionDefaults,
      environment: {
        ...this.identity.environment,
        AIRLOCK_MAX_BODY_BYTES: String(config.maxBodyBytes),
        AIRLOCK_SESSION_TTL_DAYS: String(config.sessionTtlDays),
        AIRLOCK_PUBLIC_BASE_URL: publicBaseUrl,
      },
    });
    this.api.addRoutes(routesServedBy('mcp'), this.mcp.function.fn);
    this.approvals = new ApprovalWorkflow(this, 'ApprovalWorkflow', {
      stateful,
      api: this.api,
      proxy: this.proxy.function,
      mcp: this.mcp.function,
      approverClient,
      approverEmails: config.approverEmails,
      publicBaseUrl,
      upstreams,
      ...(config.prices.length ? { prices: JSON.stringify(config.prices) } : {}),
      sessionTtlDays: config.sessionTtlDays,
      events: sessionEvents,
      functionDefaults,
    });
    // Reviewed MCP tool calls are held in the same workflow.
    this.mcp.useApprovals(this.approvals.stateMachine);

    this.sessionSweep = new SessionSweep(this, 'SessionSweep', {
      sessionTable: stateful.sessionTable,
      key: stateful.key,
      longestCall: this.proxy.function.timeout,
      functionDefaults,
    });

    this.observability = new Observability(this, 'Observability', {
      key: stateful.key,
      ...(config.alarmEmail ? { alarmEmail: config.alarmEmail } : {}),
      api: this.api.api,
      functions: [
        { name: 'Proxy', fn: this.proxy.function.fn, timeout: this.proxy.function.timeout, securityLog: this.proxy.function.logGroup },
        { name: 'Authorizer', fn: this.identity.authorizer.fn, timeout: this.identity.authorizer.timeout, securityLog: this.identity.authorizer.logGroup },
        { name: 'SessionSweep', fn: this.sessionSweep.function.fn, timeout: this.sessionSweep.function.timeout },
        { name: 'Mcp', fn: this.mcp.function.fn, timeout: this.mcp.function.timeout, securityLog: this.mcp.function.logGroup },
        ...(['notify', 'invokeUpstream', 'recordOutcome', 'page', 'decide'] as const).map((step) => ({
          name: `Approval${step[0]!.toUpperCase()}${step.slice(1)}`,
          fn: this.approvals[step].fn,
          timeout: this.approvals[step].timeout,
        })),
      ],
      stateMachines: [{ name: 'ApprovalWorkflow', machine: this.approvals.stateMachine }],
    });

    new CfnOutput(this, 'ApiBaseUrl', { value: `${publicBaseUrl}/v1`, description: 'OpenAI-compatible base URL for clients' });
    if (this.mcp) new CfnOutput(this, 'McpUrl', { value: `${publicBaseUrl}/mcp`, description: 'MCP gateway (Streamable HTTP) for agents' });
    if (callTokenKey) {
      new CfnOutput(this, 'McpCallTokenJwksUrl', { value: `${publicBaseUrl}/.well-known/jwks.json`, description: `Upstream MCP servers verify per-call tokens (iss ${publicBaseUrl}) with these keys` });
    }
    new CfnOutput(this, 'ApproverClientId', { value: approverClient.userPoolClientId });
    new CfnOutput(this, 'ApprovalStateMachineArn', { value: this.approvals.stateMachine.stateMachineArn });
    new CfnOutput(this, 'ApproverTopicArn', { value: this.approvals.topic.topicArn, description: 'Approval requests (e-mail subscriptions from approverEmails)' });
    new CfnOutput(this, 'SessionEventBusName', { value: sessionEvents.eventBusName, description: 'Subscribe a SIEM with a rule on source "airlock"' });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.observability.topic.topicArn });
  }
}
