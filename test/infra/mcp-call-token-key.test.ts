import type { Template } from 'aws-cdk-lib/assertions';
import { synthAirlock, TEST_CONFIG } from './airlock-app';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:airlock/mcp/db-AbCdEf';
const CONFIG = {
  ...TEST_CONFIG,
  mcpUpstreams: [
    {
      name: 'db',
      url: 'https://db-mcp.internal.example.com/mcp',
      groups: ['llm-users'],
      credential: { mode: 'per-call-token', audience: 'urn:example:db', lifetimeSeconds: 120 },
    },
    { name: 'ops', url: 'https://ops-mcp.internal.example.com/mcp', groups: ['ops'], credential: { secretArn: SECRET_ARN } },
  ],
};

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;
const statementsOf = (doc: { Statement: any[] }) => doc.Statement.map((s) => ({ ...s, Action: [s.Action].flat().sort() }));

describe('per-call token signing key in AWS', () => {
  let template: Template;
  let resources: Resources;

  beforeAll(() => {
    template = synthAirlock(CONFIG).statelessTemplate;
    resources = template.toJSON().Resources as Resources;
  });

  const mcpFunction = () =>
    Object.entries(resources).find(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.AIRLOCK_MCP_UPSTREAMS)!;
  const mcpRoleId = () => mcpFunction()[1].Properties.Role['Fn::GetAtt'][0] as string;

  it('is an ECC_NIST_P256 signing key under a pinned logical ID, retained by default', () => {
    const key = resources.McpCallTokenKey;

    expect(key).toBeDefined();
    expect(key!.Type).toBe('AWS::KMS::Key');
    expect(key!.Properties).toMatchObject({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    expect((template.toJSON().Resources.McpCallTokenKey as { DeletionPolicy?: string }).DeletionPolicy).toBe('Retain');
  });

  it('lets only the MCP function sign: in the key policy (no kms:* for anyone) and in that role’s policy alone', () => {
    const keyPolicy = statementsOf(resources.McpCallTokenKey!.Properties.KeyPolicy);
    const signers = keyPolicy.filter((s) => s.Action.some((a: string) => a === 'kms:Sign' || a === 'kms:*' || a === 'kms:Sign*'));
    const iamSigners = Object.values(resources).filter(
      (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.PolicyDocument).includes('kms:Sign'),
    );

    expect(keyPolicy.flatMap((s) => s.Action)).not.toContain('kms:*');
    expect(signers).toHaveLength(1);
    expect(signers[0]).toMatchObject({ Effect: 'Allow', Action: ['kms:GetPublicKey', 'kms:Sign'], Principal: { AWS: { 'Fn::GetAtt': [mcpRoleId(), 'Arn'] } } });
    expect(iamSigners).toHaveLength(1);
    expect(iamSigners[0]!.Properties.Roles).toEqual([{ Ref: mcpRoleId() }]);
    expect(statementsOf(iamSigners[0]!.Properties.PolicyDocument).find((s) => s.Sid === 'McpCallTokenSigning')).toMatchObject({
      Action: ['kms:GetPublicKey', 'kms:Sign'],
      Resource: { 'Fn::GetAtt': ['McpCallTokenKey', 'Arn'] },
    });
  });

  it('hands the key to the MCP function and the upstream registration as configured', () => {
    const variables = mcpFunction()[1].Properties.Environment.Variables;

    expect(variables.AIRLOCK_MCP_CALL_TOKEN_KEY_ARN).toEqual({ 'Fn::GetAtt': ['McpCallTokenKey', 'Arn'] });
    expect(JSON.parse(variables.AIRLOCK_MCP_UPSTREAMS)[0].credential).toEqual({ mode: 'per-call-token', audience: 'urn:example:db', lifetimeSeconds: 120 });
    const others = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Function' && r !== mcpFunction()[1]);
    expect(others.some((r) => JSON.stringify(r.Properties.Environment ?? {}).includes('McpCallTokenKey'))).toBe(false);
  });

  it('still lets the MCP function read the static upstream’s secret', () => {
    expect(JSON.stringify(resources)).toContain(SECRET_ARN);
  });

  it('publishes the JWKS without a token, and names its URL in an output', () => {
    const resourceIds = Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::ApiGateway::Resource' && r.Properties.PathPart === 'jwks.json')
      .map(([id]) => id);
    const methods = Object.values(resources).filter((r) => r.Type === 'AWS::ApiGateway::Method' && resourceIds.includes(r.Properties.ResourceId?.Ref));

    expect(methods.map((m) => [m.Properties.HttpMethod, m.Properties.AuthorizationType])).toEqual([['GET', 'NONE']]);
    expect(JSON.stringify(methods[0]!.Properties.Integration.Uri)).toContain(mcpFunction()[0]);
    expect(Object.keys(template.toJSON().Outputs)).toContain('McpCallTokenJwksUrl');
  });

  it('creates no key when no upstream uses per-call tokens', () => {
    const plain = synthAirlock({ ...TEST_CONFIG, mcpUpstreams: [CONFIG.mcpUpstreams[1]] }).statelessTemplate.toJSON().Resources as Resources;

    expect(Object.values(plain).some((r) => r.Type === 'AWS::KMS::Key')).toBe(false);
    expect(JSON.stringify(plain)).not.toContain('AIRLOCK_MCP_CALL_TOKEN_KEY_ARN');
  });

  it('passes the cdk-nag AwsSolutions checks', () => {
    expect(() => synthAirlock(CONFIG, { nag: true })).not.toThrow();
  });

  it('refuses a lifetime over five minutes and a per-call-token credential with a secret', () => {
    const upstream = CONFIG.mcpUpstreams[0]!;

    expect(() => synthAirlock({ ...TEST_CONFIG, mcpUpstreams: [{ ...upstream, credential: { mode: 'per-call-token', lifetimeSeconds: 301 } }] })).toThrow(
      /mcpUpstreams/,
    );
    expect(() => synthAirlock({ ...TEST_CONFIG, mcpUpstreams: [{ ...upstream, credential: { mode: 'per-call-token', secretArn: SECRET_ARN } }] })).toThrow(
      /mcpUpstreams/,
    );
  });
});
