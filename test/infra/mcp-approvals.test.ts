import type { Template } from 'aws-cdk-lib/assertions';
import { synthAirlock } from './airlock-app';

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;

describe('MCP approvals in AWS', () => {
  let template: Template;
  let resources: Resources;

  beforeAll(() => {
    template = synthAirlock().statelessTemplate;
    resources = template.toJSON().Resources as Resources;
  });

  const mcpFunction = () =>
    Object.entries(resources).find(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.AIRLOCK_MCP_UPSTREAMS);
  const mcpStatements = () => {
    const roleRef = JSON.stringify(mcpFunction()![1].Properties.Role);
    const roleId = /"Fn::GetAtt":\["(\w+)"/.exec(roleRef)![1]!;
    return Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && (r.Properties.Roles as { Ref: string }[]).some((x) => x.Ref === roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown; Condition?: unknown; Sid?: string }>);
  };

  it('tells the MCP function the approval table and state machine', () => {
    const env = mcpFunction()![1].Properties.Environment.Variables;

    expect(env.AIRLOCK_APPROVAL_TABLE).toBeDefined();
    expect(JSON.stringify(env.AIRLOCK_APPROVAL_STATE_MACHINE_ARN)).toMatch(/ApprovalWorkflowStateMachine/);
  });

  it('lets it start executions of the approval state machine only, never resume them', () => {
    const actions = mcpStatements().flatMap((s) => [s.Action].flat());
    const start = mcpStatements().filter((s) => [s.Action].flat().includes('states:StartExecution'));

    expect(start).toHaveLength(1);
    expect(JSON.stringify(start[0]!.Resource)).toMatch(/ApprovalWorkflowStateMachine/);
    expect(actions.filter((a) => a.startsWith('states:'))).toEqual(['states:StartExecution']);
  });

  it('lets it read and write approval items on the table and its hash index, never the task tokens', () => {
    const approvals = mcpStatements().find((s) => s.Sid === 'Approvals')!;

    expect([approvals.Action].flat().sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    expect(JSON.stringify(approvals.Resource)).toMatch(/ApprovalTable/);
    expect(JSON.stringify(approvals.Resource)).toContain('/index/byRequestHash');
    expect(approvals.Condition).toEqual({ 'ForAllValues:StringNotLike': { 'dynamodb:LeadingKeys': ['token#*'] } });
  });
});
