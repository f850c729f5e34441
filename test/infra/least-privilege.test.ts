import { routesServedBy } from '../../lib/routes';
import type { Template } from 'aws-cdk-lib/assertions';
import { synthAirlock } from './airlock-app';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/**
 * Renders a policy resource as text a reviewer can read: `SessionTable.Arn/index/*` for an
 * attribute imported from the stateful stack, `ProxyLogGroupXXXX.Arn` for a local one.
 */
function readable(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, any>;
  if (v['Fn::ImportValue']) {
    const name = String(v['Fn::ImportValue']);
    const m = /ExportsOutput(FnGetAtt|Ref)([A-Za-z]+?)(Arn)?[0-9A-F]{8}$/.exec(name);
    if (!m) throw new Error(`unexpected import ${name}`);
    return m[1] === 'Ref' ? m[2]! : `${m[2]}.Arn`;
  }
  if (v['Fn::GetAtt']) return `${v['Fn::GetAtt'][0]}.${v['Fn::GetAtt'][1]}`;
  if (v.Ref) return v.Ref;
  if (v['Fn::Join']) return (v['Fn::Join'][1] as unknown[]).map(readable).join(v['Fn::Join'][0]);
  throw new Error(`unexpected intrinsic ${JSON.stringify(value)}`);
}

/** Every statement of the policies attached to the role whose logical ID starts with `rolePrefix`. */
function statementsOf(template: Template, rolePrefix: string): { actions: string[]; resources: string[] }[] {
  const roles = Object.keys(template.findResources('AWS::IAM::Role')).filter((id) => id.startsWith(rolePrefix));
  if (roles.length !== 1) throw new Error(`expected one role ${rolePrefix}, got ${roles.length}`);
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
    (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roles[0]),
  );
  const role = template.toJSON().Resources[roles[0]!];
  const inline = (role.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[];
  return [...policies.map((p) => p.Properties), ...inline]
    .flatMap((p) => p.PolicyDocument.Statement as Statement[])
    .map((s) => {
      expect(s.Effect).toBe('Allow');
      return {
        actions: [s.Action].flat(),
        resources: [s.Resource].flat().map(readable),
      };
    });
}

const DATA_SERVICES = /^(dynamodb|s3|kms|secretsmanager|sns|states|events):/;

describe('least privilege', () => {
  let template: Template;
  beforeAll(() => {
    template = synthAirlock().statelessTemplate;
  });

  it('gives the authorizer only its own log group and X-Ray', () => {
    const statements = statementsOf(template, 'IdentityAuthorizerRole');

    expect(statements).toEqual([
      { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [expect.stringMatching(/^IdentityAuthorizerLogGroup\w+\.Arn$/)] },
      { actions: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], resources: ['*'] },
    ]);
  });

  it('lets the proxy touch only the session table, transcript objects, upstream secret, data key, session event bus, approvals and the approval state machine', () => {
    const resources = new Set(
      statementsOf(template, 'ProxyRole')
        .flatMap((s) => s.resources)
        .map((r) =>
          r
            .replace(/^ProxyLogGroup\w+\.Arn$/, 'own log group')
            .replace(/^SessionEvents\w+\.Arn$/, 'session event bus')
            .replace(/^ApprovalWorkflowStateMachine\w+$/, 'approval state machine'),
        ),
    );

    expect([...resources].sort()).toEqual(
      [
        'own log group',
        '*',
        'SessionTable.Arn',
        'SessionTable.Arn/index/*',
        'UsageTable.Arn',
        'TranscriptBucket.Arn/transcripts/*',
        'DataKey.Arn',
        'UpstreamApiKeySecret',
        'session event bus',
        'ApprovalTable.Arn',
        'ApprovalTable.Arn/index/byRequestHash',
        'approval state machine',
      ].sort(),
    );
  });

  it('grants the proxy transcript put and get only, and the secret read only', () => {
    const statements = statementsOf(template, 'ProxyRole');
    const on = (resource: string) => statements.filter((s) => s.resources.includes(resource)).flatMap((s) => s.actions);

    expect(on('TranscriptBucket.Arn/transcripts/*').sort()).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(on('UpstreamApiKeySecret')).toEqual(['secretsmanager:GetSecretValue']);
    expect(statements.filter((s) => s.resources.some((r) => r.startsWith('SessionEvents'))).flatMap((s) => s.actions)).toEqual(['events:PutEvents']);
    expect(on('SessionTable.Arn').every((a) => a.startsWith('dynamodb:'))).toBe(true);
    // The usage counters: a conditional update to count, a read to check a budget; no scan, no delete.
    expect(on('UsageTable.Arn').sort()).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    expect(on('DataKey.Arn').every((a) => a.startsWith('kms:'))).toBe(true);
  });

  it.each(['ProxyRole', 'IdentityAuthorizerRole'])('never grants a data action on every resource (%s)', (role) => {
    for (const { actions, resources } of statementsOf(template, role)) {
      if (resources.includes('*')) expect(actions.filter((a) => DATA_SERVICES.test(a))).toEqual([]);
      expect(actions.filter((a) => a.endsWith(':*') || a === '*')).toEqual([]);
    }
  });

  it('attaches no managed policies to function roles', () => {
    for (const [id, role] of Object.entries(template.findResources('AWS::IAM::Role'))) {
      if (id.startsWith('ProxyRole') || id.startsWith('IdentityAuthorizerRole')) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('lets only API Gateway invoke the proxy, and only through the routes the proxy serves on this API', () => {
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')).filter((p) =>
      JSON.stringify(p.Properties.FunctionName).includes('ProxyFunction'),
    );

    const routeArns = routesServedBy('proxy').map((r) => `${r.method}${r.path.replace(/\{\w+\}/g, '*')}`);

    expect(permissions.length).toBeGreaterThan(0);
    for (const { Properties: p } of permissions) {
      expect(p.Principal).toBe('apigateway.amazonaws.com');
      const arn = readable(p.SourceArn);
      expect(arn).toMatch(/^arn:aws:execute-api:eu-west-1:111122223333:Api\w+\/ApiDeploymentStagetest\w+\/(GET|POST)\//);
      expect(routeArns).toContain(arn.replace(/^.*\/ApiDeploymentStagetest\w+\//, ''));
    }
  });
});
