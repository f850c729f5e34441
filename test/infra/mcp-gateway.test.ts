import { Match, type Template } from 'aws-cdk-lib/assertions';
import { synthAirlock, TEST_CONFIG } from './airlock-app';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:airlock/mcp/db-AbCdEf';
const MCP_CONFIG = {
  ...TEST_CONFIG,
  mcpUpstreams: [
    { name: 'db', url: 'https://db-mcp.internal.example.com/mcp', groups: ['llm-users'], credential: { secretArn: SECRET_ARN } },
    { name: 'ops', url: 'https://ops-mcp.internal.example.com/mcp', groups: ['ops'] },
  ],
};

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;

describe('MCP gateway in AWS', () => {
  let template: Template;
  let resources: Resources;

  beforeAll(() => {
    template = synthAirlock(MCP_CONFIG).statelessTemplate;
    resources = template.toJSON().Resources as Resources;
  });

  const mcpFunctionId = () =>
    Object.entries(resources).find(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.AIRLOCK_MCP_UPSTREAMS)?.[0];
  const methodsOn = (pathPart: string) => {
    const resourceIds = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::ApiGateway::Resource' && r.Properties.PathPart === pathPart).map(([id]) => id);
    return Object.values(resources).filter((r) => r.Type === 'AWS::ApiGateway::Method' && resourceIds.includes(r.Properties.ResourceId?.Ref));
  };

  it('serves /mcp from a function of its own, streamed, behind the bearer authorizer, bodies left to the function', () => {
    const methods = methodsOn('mcp');
    const fn = mcpFunctionId();

    expect(methods.map((m) => m.Properties.HttpMethod).sort()).toEqual(['DELETE', 'GET', 'POST']);
    for (const m of methods) {
      expect(m.Properties.AuthorizationType).toBe('CUSTOM');
      expect(m.Properties.RequestValidatorId).toBeUndefined();
      expect(m.Properties.Integration.ResponseTransferMode).toBe('STREAM');
      expect(JSON.stringify(m.Properties.Integration.Uri)).toContain(fn);
    }
  });

  it('publishes the RFC 9728 metadata without a token', () => {
    const methods = methodsOn('oauth-protected-resource');

    expect(methods.map((m) => [m.Properties.HttpMethod, m.Properties.AuthorizationType])).toEqual([['GET', 'NONE']]);
  });

  it('answers 401 with the resource_metadata challenge', () => {
    const unauthorized = Object.values(resources).find((r) => r.Type === 'AWS::ApiGateway::GatewayResponse' && r.Properties.ResponseType === 'UNAUTHORIZED');

    expect(JSON.stringify(unauthorized!.Properties.ResponseParameters['gatewayresponse.header.WWW-Authenticate'])).toMatch(
      /Bearer resource_metadata=\\".*\/.well-known\/oauth-protected-resource\\"/,
    );
  });

  it('lets only the MCP function read the MCP upstream secrets', () => {
    const readers = Object.values(resources).filter(
      (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.PolicyDocument).includes(SECRET_ARN),
    );

    const mcpRole = resources[mcpFunctionId()!]!.Properties.Role['Fn::GetAtt'][0];
    expect(readers).toHaveLength(1);
    expect(readers[0]!.Properties.Roles).toEqual([{ Ref: mcpRole }]);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'McpUpstreamSecrets', Action: 'secretsmanager:GetSecretValue', Resource: SECRET_ARN })]) },
    });
  });

  it('deploys the MCP routes without upstreams too (the route table is the same everywhere), reading no secret then', () => {
    const plain = synthAirlock(TEST_CONFIG).statelessTemplate.toJSON().Resources as Resources;

    expect(Object.values(plain).some((r) => r.Type === 'AWS::ApiGateway::Resource' && r.Properties.PathPart === 'mcp')).toBe(true);
    expect(JSON.stringify(plain)).not.toContain('McpUpstreamSecrets');
  });

  it('passes the cdk-nag AwsSolutions checks', () => {
    expect(() => synthAirlock(MCP_CONFIG, { nag: true })).not.toThrow();
  });

  it('refuses an upstream URL that is not https and duplicate names', () => {
    expect(() => synthAirlock({ ...TEST_CONFIG, mcpUpstreams: [{ name: 'db', url: 'http://db.example.com/mcp', groups: ['llm-users'] }] })).toThrow(/mcpUpstreams/);
    expect(() => synthAirlock({ ...TEST_CONFIG, mcpUpstreams: [MCP_CONFIG.mcpUpstreams[1], MCP_CONFIG.mcpUpstreams[1]] })).toThrow(/unique/);
  });
});
