import { ROUTES } from '../../lambdas/gateway/routes';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { Stack } from 'aws-cdk-lib';
import { readConfig } from '../../lambdas/shared/config';
import { AirlockFunction } from '../../lib/constructs/airlock-function';
import { invalidToken, type ErrorEnvelope } from '../../lambdas/shared/errors';
import { GATEWAY_ERRORS } from '../../lib/constructs/gateway-responses';
import { synthAirlock, TEST_CONFIG } from './airlock-app';

type Resource = { Type: string; Properties: Record<string, any> };

describe('stateless stack', () => {
  let template: Template;
  let resources: Record<string, Resource>;
  let proxy: Resource;
  let authorizerFn: Resource;
  let functions: AirlockFunction[];
  beforeAll(() => {
    const synthesized = synthAirlock();
    template = synthesized.statelessTemplate;
    functions = synthesized.stateless.node.findAll().filter((c): c is AirlockFunction => c instanceof AirlockFunction);
    resources = template.toJSON().Resources;
    proxy = functionDescribedAs(/streaming proxy/);
    authorizerFn = functionDescribedAs(/TOKEN authorizer/);
  });

  const functionDescribedAs = (description: RegExp): Resource => {
    const found = Object.values(template.findResources('AWS::Lambda::Function')).filter((f) => description.test(f.Properties.Description));
    if (found.length !== 1) throw new Error(`expected one function described as ${description}, got ${found.length}`);
    return found[0] as Resource;
  };
  const logicalIdOf = (resource: Resource): string => Object.entries(resources).find(([, r]) => JSON.stringify(r) === JSON.stringify(resource))![0];

  describe('REST API', () => {
    it('is regional', () => {
      template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] } });
    });

    it('verifies bearer tokens with the TOKEN authorizer function, caching results briefly', () => {
      template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
        Type: 'TOKEN',
        IdentitySource: 'method.request.header.Authorization',
        AuthorizerResultTtlInSeconds: 60,
        AuthorizerUri: Match.objectLike({
          'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [logicalIdOf(authorizerFn), 'Arn'] }])],
        }),
      });
    });

    it('lets the authorizer refuse non-bearer headers before invoking the function', () => {
      const [authorizer] = Object.values(template.findResources('AWS::ApiGateway::Authorizer'));
      const pattern = new RegExp(authorizer!.Properties.IdentityValidationExpression);

      expect(pattern.test('Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln')).toBe(true);
      expect(pattern.test('Basic dXNlcjpwYXNz')).toBe(false);
      expect(pattern.test('Bearer not-a-jwt')).toBe(false);
    });

    it.each(['GET', 'POST'])('streams %s routes of the caller API from the proxy function behind the authorizer', (httpMethod) => {
      template.hasResourceProperties('AWS::ApiGateway::Method', {
        HttpMethod: httpMethod,
        AuthorizationType: 'CUSTOM',
        AuthorizerId: { Ref: Match.stringLikeRegexp('^ApiTokenAuthorizer') },
        Integration: {
          Type: 'AWS_PROXY',
          IntegrationHttpMethod: 'POST',
          ResponseTransferMode: 'STREAM',
          TimeoutInMillis: 900_000,
          Uri: {
            'Fn::Join': [
              '',
              [Match.stringLikeRegexp('/2021-11-15/functions/$'), { 'Fn::GetAtt': [logicalIdOf(proxy), 'Arn'] }, '/response-streaming-invocations'],
            ],
          },
        },
      });
    });

    it('serves exactly the routes of the route table, each method on its own resource path', () => {
      const byId = template.findResources('AWS::ApiGateway::Resource');
      const pathOf = (ref: unknown): string => {
        const id = (ref as { Ref?: string }).Ref;
        if (!id || !byId[id]) return '';
        return `${pathOf(byId[id]!.Properties.ParentId)}/${byId[id]!.Properties.PathPart}`;
      };
      const served = Object.values(template.findResources('AWS::ApiGateway::Method')).map((m) => `${m.Properties.HttpMethod} ${pathOf(m.Properties.ResourceId)}`);

      expect(served.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    });

    it('puts the authorizer in front of every bearer route and in front of no other', () => {
      const methods = Object.values(template.findResources('AWS::ApiGateway::Method'));
      const bearer = ROUTES.filter((r) => r.auth === 'bearer').length;

      expect(methods.filter((m) => m.Properties.AuthorizationType === 'CUSTOM')).toHaveLength(bearer);
      expect(methods.filter((m) => m.Properties.AuthorizationType === 'NONE')).toHaveLength(ROUTES.length - bearer);
    });

    it('validates that POST bodies are JSON objects', () => {
      const [validatorId] = Object.keys(template.findResources('AWS::ApiGateway::RequestValidator', { Properties: { ValidateRequestBody: true } }));
      const [modelId] = Object.keys(template.findResources('AWS::ApiGateway::Model', { Properties: { Schema: Match.objectLike({ type: 'object' }) } }));

      template.hasResourceProperties('AWS::ApiGateway::Method', {
        HttpMethod: 'POST',
        RequestValidatorId: { Ref: validatorId },
        RequestModels: { 'application/json': { Ref: modelId } },
      });
    });

    it('logs access as JSON to a log group with retention, never data traces, with X-Ray and throttling', () => {
      const [stage] = Object.values(template.findResources('AWS::ApiGateway::Stage'));
      const format = JSON.parse(stage!.Properties.AccessLogSetting.Format);

      expect(format).toMatchObject({ requestId: '$context.requestId', principal: '$context.authorizer.principalId', status: '$context.status' });
      expect(stage!.Properties).toMatchObject({
        StageName: 'test',
        TracingEnabled: true,
        MethodSettings: [{ DataTraceEnabled: false, LoggingLevel: 'ERROR', ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100, HttpMethod: '*', ResourcePath: '/*' }],
      });
      const accessLogGroup = JSON.stringify(stage!.Properties.AccessLogSetting.DestinationArn).match(/"Ref":"(ApiAccessLogs\w+)"/)?.[1];
      expect(resources[accessLogGroup!]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 365 } });
    });
  });

  describe('gateway responses', () => {
    const responses = () => Object.values(template.findResources('AWS::ApiGateway::GatewayResponse')).map((r) => r.Properties);

    it('render every gateway error as the OpenAI error envelope', () => {
      expect(responses()).toHaveLength(GATEWAY_ERRORS.length);
      for (const response of responses()) {
        const body = JSON.parse(response.ResponseTemplates['application/json']) as ErrorEnvelope;
        expect(body).toEqual({ error: { message: expect.any(String), type: expect.any(String), code: expect.any(String), param: null } });
        expect(response.ResponseParameters['gatewayresponse.header.Content-Type']).toBe("'application/json'");
      }
    });

    it('answer a refused token exactly as the functions do: 401 invalid_token with a Bearer challenge', () => {
      const unauthorized = responses().find((r) => r.ResponseType === 'UNAUTHORIZED');

      expect(unauthorized?.StatusCode).toBe('401');
      expect(JSON.parse(unauthorized!.ResponseTemplates['application/json'])).toEqual(invalidToken().toJSON());
      expect(unauthorized?.ResponseParameters['gatewayresponse.header.WWW-Authenticate']).toBe("'Bearer'");
    });

    it('answer a denied caller with 403 forbidden', () => {
      const denied = responses().find((r) => r.ResponseType === 'ACCESS_DENIED');

      expect(denied?.StatusCode).toBe('403');
      expect(JSON.parse(denied!.ResponseTemplates['application/json']).error).toMatchObject({ code: 'forbidden', type: 'permission_error' });
    });

    it.each(['DEFAULT_4XX', 'DEFAULT_5XX'])('keep the original status for %s', (type) => {
      const response = responses().find((r) => r.ResponseType === type);

      expect(response).toBeDefined();
      expect(response?.StatusCode).toBeUndefined();
    });
  });

  describe('functions', () => {
    it.each([
      ['proxy', () => proxy, 1024, 900],
      ['authorizer', () => authorizerFn, 256, 10],
    ])('runs the %s on Node.js 22, ARM64, with X-Ray and its own log group', (_name, fn, memory, timeout) => {
      const { Properties: p } = fn();

      expect(p).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' }, MemorySize: memory, Timeout: timeout, Handler: 'index.handler' });
      expect(resources[p.LoggingConfig.LogGroup.Ref]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 365 }, DeletionPolicy: 'Retain' });
    });

    it('configures the proxy through the runtime config names, pointing at the bundled policy', () => {
      const env = proxy.Properties.Environment.Variables as Record<string, unknown>;

      expect(Object.keys(env).sort()).toEqual(
        [
          'AIRLOCK_APPROVAL_STATE_MACHINE_ARN',
          'AIRLOCK_APPROVAL_TABLE',
          'AIRLOCK_EVENT_BUS_NAME',
          'AIRLOCK_MAX_BODY_BYTES',
          'AIRLOCK_POLICY',
          'AIRLOCK_PUBLIC_BASE_URL',
          'AIRLOCK_SESSION_TABLE',
          'AIRLOCK_SESSION_TTL_DAYS',
          'AIRLOCK_TRANSCRIPT_BUCKET',
          'AIRLOCK_UPSTREAM_SECRET_ARN',
          'AIRLOCK_UPSTREAM_URL',
          'AIRLOCK_USAGE_TABLE',
          'NODE_OPTIONS',
        ].sort(),
      );
      expect(JSON.stringify(env.AIRLOCK_SESSION_TABLE)).toMatch(/ExportsOutputRefSessionTable/);
      expect(JSON.stringify(env.AIRLOCK_USAGE_TABLE)).toMatch(/ExportsOutputRefUsageTable/);
      expect(JSON.stringify(env.AIRLOCK_TRANSCRIPT_BUCKET)).toMatch(/ExportsOutputRefTranscriptBucket/);
      expect(JSON.stringify(env.AIRLOCK_UPSTREAM_SECRET_ARN)).toMatch(/ExportsOutputRefUpstreamApiKeySecret/);

      const runtime = readConfig('proxy', withPlaceholders(env));
      expect(runtime).toMatchObject({
        AIRLOCK_POLICY: '/var/task/airlock.policy.json',
        AIRLOCK_UPSTREAM_URL: 'https://api.openai.com/v1',
        AIRLOCK_MAX_BODY_BYTES: 1_048_576,
        AIRLOCK_SESSION_TTL_DAYS: 400,
      });
    });

    it('deploys every function with an environment its own configuration schema accepts', () => {
      expect(functions.length).toBeGreaterThanOrEqual(7);
      for (const fn of functions) {
        const id = Stack.of(fn).getLogicalId(fn.fn.node.defaultChild as never);
        const env = resources[id]!.Properties.Environment.Variables as Record<string, unknown>;

        expect(() => readConfig(fn.handlerName, withPlaceholders(env))).not.toThrow();
      }
    });

    it('gives the authorizer the trusted issuers and nothing about data', () => {
      const env = authorizerFn.Properties.Environment.Variables as Record<string, unknown>;

      expect(Object.keys(env).sort()).toEqual(
        ['AIRLOCK_COGNITO_CLIENT_IDS', 'AIRLOCK_COGNITO_GROUP_MAPPINGS', 'AIRLOCK_COGNITO_USER_POOL_ID', 'AIRLOCK_OIDC_ISSUERS', 'AIRLOCK_POLICY', 'NODE_OPTIONS'].sort(),
      );
      const runtime = readConfig('authorizer', withPlaceholders(env));
      expect(runtime.AIRLOCK_OIDC_ISSUERS).toEqual([{ ...TEST_CONFIG.oidcIssuers[0] }]);
      expect(runtime.AIRLOCK_COGNITO_GROUP_MAPPINGS).toEqual([{ when: { scope: 'airlock/invoke' }, groups: ['llm-users'] }]);
      expect(JSON.stringify(env.AIRLOCK_COGNITO_CLIENT_IDS)).toMatch(/ExportsOutputRefCiClient.*"Ref":"IdentityApproverClient/);
    });
  });

  describe('session events', () => {
    it('go to the stage\'s own event bus, named in the proxy environment', () => {
      const [busId] = Object.keys(template.findResources('AWS::Events::EventBus', { Properties: { Name: 'airlock-test-sessions' } }));

      expect(proxy.Properties.Environment.Variables.AIRLOCK_EVENT_BUS_NAME).toEqual({ Ref: busId });
    });
  });

  describe('approver sign-in', () => {
    it('is a hosted-UI authorization-code client calling back to the approval pages', () => {
      template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        ClientName: 'airlock-approvers',
        AllowedOAuthFlows: ['code'],
        AllowedOAuthScopes: ['openid', 'email', 'profile'],
        CallbackURLs: [{ 'Fn::Join': ['', Match.arrayWith(['/test/approvals/callback'])] }],
        SupportedIdentityProviders: ['COGNITO'],
      });
    });
  });

  describe('alarms', () => {
    const alarms = () => Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);

    it('publish to a KMS-encrypted topic with the configured e-mail subscribed', () => {
      const [topicId] = Object.keys(template.findResources('AWS::SNS::Topic')).filter((id) => id.startsWith('Observability'));

      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::ImportValue': Match.stringLikeRegexp('DataKeyArn') } });
      template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: TEST_CONFIG.alarmEmail, TopicArn: { Ref: topicId } });
      for (const alarm of alarms()) expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
    });

    it.each([
      ['Errors', 'AWS/Lambda', 'Errors'],
      ['Throttles', 'AWS/Lambda', 'Throttles'],
      ['Duration', 'AWS/Lambda', 'Duration'],
    ])('watch the proxy function: %s', (_what, namespace, metricName) => {
      const match = alarms().filter(
        (a) => a.Namespace === namespace && a.MetricName === metricName && JSON.stringify(a.Dimensions).includes(logicalIdOf(proxy)),
      );
      expect(match).toHaveLength(1);
    });

    it('fire when the proxy p99 duration nears its timeout', () => {
      const duration = alarms().find((a) => a.MetricName === 'Duration' && JSON.stringify(a.Dimensions).includes(logicalIdOf(proxy)));

      expect(duration).toMatchObject({ ExtendedStatistic: 'p99', Threshold: 900_000 * 0.8, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    });

    it('watch 5XX responses of the API', () => {
      expect(alarms().filter((a) => a.Namespace === 'AWS/ApiGateway' && a.MetricName === '5XXError')).toHaveLength(1);
    });

    it('watch failed executions of the approval workflow', () => {
      const failed = alarms().filter((a) => a.Namespace === 'AWS/States' && a.MetricName === 'ExecutionsFailed');
      expect(failed).toHaveLength(1);
      expect(JSON.stringify(failed[0]!.Dimensions)).toContain('StateMachine');
      expect(failed[0]).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    });
  });
});

/** Environment values that are CloudFormation expressions become plausible literals for parsing. */
function withPlaceholders(env: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([k, v]) => [k, typeof v === 'string' ? v : placeholderFor(k)]),
  );
}

function placeholderFor(name: string): string {
  if (name === 'AIRLOCK_APPROVER_SIGN_IN') {
    return JSON.stringify({ authorizeUrl: 'https://placeholder.example.com/authorize', tokenUrl: 'https://placeholder.example.com/token', clientId: 'placeholder' });
  }
  return name.endsWith('_URL') ? 'https://placeholder.example.com' : 'placeholder';
}
