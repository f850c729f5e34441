import { Duration, Fn, Stack, type RemovalPolicy } from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  EndpointType,
  IdentitySource,
  JsonSchemaType,
  JsonSchemaVersion,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  ResponseTransferMode,
  RestApi,
  TokenAuthorizer,
  type Method,
  type Model,
  type RequestValidator,
} from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { DeployConfig } from '../config';
import { acknowledgeNag } from '../nag';
import type { RouteSpec } from '../../lambdas/gateway/routes';
import { addGatewayErrorResponses } from './gateway-responses';

export interface GatewayApiProps {
  apiName: string;
  stageName: string;
  /** The TOKEN authorizer function (Authorization header → principal). */
  authorizerFunction: IFunction;
  throttle: DeployConfig['throttle'];
  logRetention: RetentionDays;
  logRemovalPolicy: RemovalPolicy;
  /** Set when `/mcp` is deployed: 401s name the RFC 9728 metadata under this base URL (default: the stage URL). */
  mcpResourceMetadata?: { publicBaseUrl?: string };
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteOptions {
  methods: HttpMethod[];
  handler: IFunction;
  /** Stream the function's response (Lambda response streaming); otherwise buffered. */
  stream: boolean;
  /**
   * `bearer` (default): the TOKEN authorizer runs first. An object: no authorizer; the function
   * authenticates the caller itself (e.g. a signed link) and `reason` says why that is safe.
   */
  auth?: 'bearer' | { none: string };
  /** Default true: API Gateway refuses a write whose body is not a JSON object. Off where the function must render every error itself (MCP: JSON-RPC). */
  validateBody?: boolean;
}

/** Streamed responses may run this long (API Gateway's limit for response streaming). */
export const STREAMING_TIMEOUT = Duration.minutes(15);
const AUTHORIZER_CACHE = Duration.seconds(60);

/**
 * The public REST API: regional, every route behind the bearer TOKEN authorizer unless it says
 * otherwise, OpenAI-style gateway errors, JSON body validation on writes, access logs, throttling,
 * X-Ray. Add a route with `addRoute('/v1/{proxy+}', { ... })`.
 */
export class GatewayApi extends Construct {
  readonly api: RestApi;
  readonly authorizer: TokenAuthorizer;
  readonly accessLogs: LogGroup;
  private readonly requestValidator: RequestValidator;
  private readonly jsonObjectModel: Model;
  private readonly stageName: string;

  constructor(scope: Construct, id: string, props: GatewayApiProps) {
    super(scope, id);
    this.stageName = props.stageName;
    this.accessLogs = new LogGroup(this, 'AccessLogs', { retention: props.logRetention, removalPolicy: props.logRemovalPolicy });

    this.api = new RestApi(this, 'Api', {
      restApiName: props.apiName,
      description: 'Airlock: identity-aware gateway for LLM traffic',
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      cloudWatchRole: true,
      deployOptions: {
        stageName: props.stageName,
        tracingEnabled: true,
        metricsEnabled: true,
        // Execution logs at ERROR only and never data traces: a data trace would log prompts and tokens.
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        throttlingRateLimit: props.throttle.rateLimit,
        throttlingBurstLimit: props.throttle.burstLimit,
        accessLogDestination: new LogGroupLogDestination(this.accessLogs),
        accessLogFormat: AccessLogFormat.custom(
          JSON.stringify({
            requestId: AccessLogField.contextRequestId(),
            time: AccessLogField.contextRequestTime(),
            ip: AccessLogField.contextIdentitySourceIp(),
            userAgent: AccessLogField.contextIdentityUserAgent(),
            principal: AccessLogField.contextAuthorizerPrincipalId(),
            method: AccessLogField.contextHttpMethod(),
            path: AccessLogField.contextPath(),
            status: AccessLogField.contextStatus(),
            responseLength: AccessLogField.contextResponseLength(),
            latencyMs: AccessLogField.contextResponseLatency(),
            integrationLatencyMs: AccessLogField.contextIntegrationLatency(),
            authorizerStatus: AccessLogField.contextAuthorizerStatus(),
            errorType: AccessLogField.contextErrorResponseType(),
            xrayTraceId: AccessLogField.contextXrayTraceId(),
          }),
        ),
      },
    });
    addGatewayErrorResponses(
      this.api,
      props.mcpResourceMetadata
        ? { resourceMetadataUrl: `${props.mcpResourceMetadata.publicBaseUrl ?? this.stageUrl}/.well-known/oauth-protected-resource` }
        : {},
    );

    this.authorizer = new TokenAuthorizer(this, 'TokenAuthorizer', {
      handler: props.authorizerFunction,
      identitySource: IdentitySource.header('Authorization'),
      // Refuse anything that is not a bearer JWT without invoking the function.
      validationRegex: '^[Bb]earer [A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*$',
      resultsCacheTtl: AUTHORIZER_CACHE,
    });

    this.requestValidator = this.api.addRequestValidator('RequestValidator', { validateRequestBody: true, validateRequestParameters: true });
    this.jsonObjectModel = this.api.addModel('JsonObject', {
      contentType: 'application/json',
      schema: { schema: JsonSchemaVersion.DRAFT4, title: 'JsonObject', type: JsonSchemaType.OBJECT },
    });

    acknowledgeNag(this.api, {
      'AwsSolutions-APIG3':
        'No WAF web ACL by default: managed rule sets block large or code-like bodies, which LLM prompts are. Throttling, the bearer authorizer and prompt inspection guard the API; attach a tuned ACL per deployment if required.',
      'AwsSolutions-COG4':
        'Callers come from Cognito and from other OIDC issuers (CI pipelines, corporate IdPs), so a Lambda TOKEN authorizer verifies every JWT (aws-jwt-verify) instead of a Cognito-only authorizer.',
    });
    const cloudWatchRole = this.api.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) {
      acknowledgeNag(cloudWatchRole, {
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]':
          "The account-level API Gateway logging role needs the AWS-managed push-to-CloudWatch policy; it covers any log group API Gateway creates, which a customer policy cannot name in advance.",
      });
    }
  }

  /** Adds the routes of the route table (lambdas/gateway/routes.ts) that `handler` serves. */
  addRoutes(routes: readonly RouteSpec[], handler: IFunction): Method[] {
    // Methods of one path share an integration when they share streaming and authorization.
    const groupKey = (r: RouteSpec) => `${r.path}\u0000${r.stream}\u0000${r.rawBody ?? false}\u0000${r.auth === 'none' ? r.why : ''}`;
    const groups = new Map<string, RouteSpec[]>();
    for (const r of routes) groups.set(groupKey(r), [...(groups.get(groupKey(r)) ?? []), r]);
    return [...groups.values()].flatMap((group) => {
      const first = group[0]!;
      return this.addRoute(first.path, {
        methods: group.map((r) => r.method),
        handler,
        stream: first.stream,
        auth: first.auth === 'none' ? { none: first.why } : 'bearer',
        ...(first.rawBody ? { validateBody: false } : {}),
      });
    });
  }

  addRoute(path: string, options: RouteOptions): Method[] {
    const resource = this.api.root.resourceForPath(path);
    const integration = new LambdaIntegration(options.handler, {
      proxy: true,
      allowTestInvoke: false,
      ...(options.stream ? { responseTransferMode: ResponseTransferMode.STREAM, timeout: STREAMING_TIMEOUT } : {}),
    });
    const auth = options.auth ?? 'bearer';
    return options.methods.map((httpMethod) => {
      const withBody = httpMethod !== 'GET' && httpMethod !== 'DELETE' && options.validateBody !== false;
      const method = resource.addMethod(httpMethod, integration, {
        ...(auth === 'bearer' ? { authorizer: this.authorizer } : {}),
        ...(withBody ? { requestValidator: this.requestValidator, requestModels: { 'application/json': this.jsonObjectModel } } : {}),
      });
      if (auth !== 'bearer') acknowledgeNag(method, { 'AwsSolutions-APIG4': auth.none, 'AwsSolutions-COG4': auth.none });
      return method;
    });
  }

  /**
   * The stage's base URL without a trailing slash, built from the API id alone: a function that
   * serves the API can hold it in its environment without a dependency cycle through the stage.
   */
  get stageUrl(): string {
    const stack = Stack.of(this);
    return Fn.join('', ['https://', this.api.restApiId, '.execute-api.', stack.region, '.', stack.urlSuffix, '/', this.stageName]);
  }
}
