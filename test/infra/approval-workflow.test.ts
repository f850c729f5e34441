import { Match, type Template } from 'aws-cdk-lib/assertions';
import { substituteFunctionArns, validateAsl } from '../support/asl-validator';
import { synthAirlock, TEST_CONFIG } from './airlock-app';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, unknown> };

const APPROVERS = ['security@example.com', 'lead@example.com'];

describe('approval workflow infrastructure', () => {
  let template: Template;
  let resources: Record<string, { Type: string; Properties: Record<string, any> }>;

  beforeAll(() => {
    template = synthAirlock({ ...TEST_CONFIG, approverEmails: APPROVERS }).statelessTemplate;
    resources = template.toJSON().Resources;
  });

  const idOf = (type: string, prefix: string) => {
    const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
    if (ids.length !== 1) throw new Error(`expected one ${type} ${prefix}*, got ${ids.join(', ')}`);
    return ids[0]!;
  };
  /** Every statement attached (inline or through AWS::IAM::Policy) to the role with this logical-ID prefix. */
  const statementsOf = (rolePrefix: string): Statement[] => {
    const role = idOf('AWS::IAM::Role', rolePrefix);
    return Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === role))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
  };
  const actionsOf = (rolePrefix: string) => statementsOf(rolePrefix).flatMap((s) => [s.Action].flat());
  const allRoles = () => Object.keys(template.findResources('AWS::IAM::Role'));

  describe('state machine', () => {
    const machine = () => resources[idOf('AWS::StepFunctions::StateMachine', 'ApprovalWorkflowStateMachine')]!.Properties;
    const definition = () => JSON.parse(machine().DefinitionString as string);

    it('runs the ASL file, with the three step functions substituted in', () => {
      const substitutions = machine().DefinitionSubstitutions as Record<'NotifyFunctionArn' | 'InvokeUpstreamFunctionArn' | 'RecordOutcomeFunctionArn', { 'Fn::GetAtt': [string, string] }>;

      expect(Object.keys(substitutions).sort()).toEqual(['InvokeUpstreamFunctionArn', 'NotifyFunctionArn', 'RecordOutcomeFunctionArn']);
      expect(substitutions.NotifyFunctionArn['Fn::GetAtt'][0]).toMatch(/^ApprovalWorkflowNotifyFunction/);
      expect(substitutions.InvokeUpstreamFunctionArn['Fn::GetAtt'][0]).toMatch(/^ApprovalWorkflowInvokeUpstreamFunction/);
      expect(machine().StateMachineType).toBe('STANDARD');
    });

    it('is valid ASL once substituted', () => {
      const { isValid, errorsText } = validateAsl(substituteFunctionArns(machine().DefinitionString as string));

      expect(errorsText('\n')).toBe('');
      expect(isValid).toBe(true);
    });

    it('waits for the decision with a task token, timed out by the policy, and routes deny and timeout apart', () => {
      const request = definition().States.RequestApproval;

      expect(request.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
      expect(request.TimeoutSecondsPath).toBe('$.Payload.timeoutSeconds');
      expect(request.Parameters.Payload['taskToken.$']).toBe('$$.Task.Token');
      expect(request.Catch.map((c: { ErrorEquals: string[]; Next: string }) => [c.ErrorEquals, c.Next])).toEqual([
        [['Airlock.Denied'], 'RecordDenied'],
        [['States.Timeout'], 'RecordExpired'],
        [['States.ALL'], 'RecordFailed'],
      ]);
    });

    it('bounds every task with a timeout and retries the upstream call with backoff', () => {
      const states = definition().States as Record<string, { Type: string; TimeoutSeconds?: number; TimeoutSecondsPath?: string; Retry?: { BackoffRate: number; MaxAttempts: number }[] }>;

      for (const [name, state] of Object.entries(states).filter(([, s]) => s.Type === 'Task')) {
        expect([name, state.TimeoutSeconds ?? state.TimeoutSecondsPath]).toEqual([name, expect.anything()]);
      }
      expect(states.InvokeUpstream!.Retry![0]).toMatchObject({ BackoffRate: 2, MaxAttempts: 3 });
    });

    it('traces and logs executions without their data', () => {
      expect(machine().TracingConfiguration).toEqual({ Enabled: true });
      expect(machine().LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
    });

    it('may invoke exactly its three step functions', () => {
      const invoke = statementsOf('ApprovalWorkflowStateMachineRole').filter((s) => [s.Action].flat().includes('lambda:InvokeFunction'));

      expect(invoke).toHaveLength(1);
      expect((invoke[0]!.Resource as { 'Fn::GetAtt': [string] }[]).map((r) => r['Fn::GetAtt'][0].replace(/Function\w+$/, '')).sort()).toEqual(
        ['ApprovalWorkflowInvokeUpstream', 'ApprovalWorkflowNotify', 'ApprovalWorkflowRecordOutcome'],
      );
    });
  });

  describe('approvers topic', () => {
    it('is encrypted with the data key and subscribes the configured approvers by e-mail', () => {
      const topic = idOf('AWS::SNS::Topic', 'ApprovalWorkflowApproverTopic');

      expect(resources[topic]!.Properties.KmsMasterKeyId).toEqual({ 'Fn::ImportValue': expect.stringMatching(/DataKeyArn/) });
      for (const email of APPROVERS) {
        template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: email, TopicArn: { Ref: topic } });
      }
    });

    it('takes messages from the notify function only', () => {
      const publishers = allRoles().filter((role) => statementsOf(role).some((s) => [s.Action].flat().includes('sns:Publish') && JSON.stringify(s.Resource).includes('ApproverTopic')));

      expect(publishers).toEqual([expect.stringMatching(/^ApprovalWorkflowNotifyRole/)]);
    });
  });

  describe('least privilege', () => {
    it('lets only the decide function send task results', () => {
      const senders = allRoles().filter((role) => actionsOf(role).some((a) => a.startsWith('states:SendTask')));

      expect(senders).toEqual([expect.stringMatching(/^ApprovalWorkflowDecideRole/)]);
      expect(actionsOf('ApprovalWorkflowDecideRole').filter((a) => a.startsWith('states:')).sort()).toEqual(
        ['states:SendTaskFailure', 'states:SendTaskHeartbeat', 'states:SendTaskSuccess'].sort(),
      );
    });

    it('lets only the proxy and the MCP function (held prompts, held tool calls, tool-change approvals) start executions, of the approval state machine only', () => {
      const starters = allRoles().filter((role) => actionsOf(role).includes('states:StartExecution'));

      expect(starters.sort()).toEqual([expect.stringMatching(/^McpRole/), expect.stringMatching(/^ProxyRole/)]);
      for (const role of ['ProxyRole', 'McpRole']) {
        const [statement] = statementsOf(role).filter((s) => [s.Action].flat().includes('states:StartExecution'));
        expect(statement!.Resource).toEqual({ Ref: idOf('AWS::StepFunctions::StateMachine', 'ApprovalWorkflowStateMachine') });
      }
    });

    it('keeps task-token items away from every function but notify and decide', () => {
      for (const role of allRoles()) {
        const onApprovals = statementsOf(role).filter((s) => JSON.stringify(s.Resource).includes('ApprovalTable'));
        const unconditioned = onApprovals.filter((s) => !JSON.stringify(s.Condition ?? {}).includes('token#*'));
        if (/^ApprovalWorkflow(Notify|Decide)Role/.test(role)) continue;
        expect([role, unconditioned]).toEqual([role, []]);
      }
      expect(statementsOf('ApprovalWorkflowPageRole').find((s) => JSON.stringify(s.Resource).includes('ApprovalTable'))).toMatchObject({
        Action: 'dynamodb:GetItem',
        Condition: { 'ForAllValues:StringNotLike': { 'dynamodb:LeadingKeys': ['token#*'] } },
      });
    });

    it('gives the read-only page no write and no Step Functions action', () => {
      const actions = actionsOf('ApprovalWorkflowPageRole');

      expect(actions.filter((a) => /^(states|sns):|dynamodb:(Put|Update|Delete)/.test(a))).toEqual([]);
    });

    it("lets the invoke function add to the proxy's usage counters (update only) and prices its answers like the proxy", () => {
      const priced = synthAirlock({ ...TEST_CONFIG, approverEmails: APPROVERS, prices: [{ model: 'gpt-*', input_per_million: 2, output_per_million: 8 }] }).statelessTemplate;
      const functionOf = (t: Template, prefix: string) => Object.entries(t.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith(prefix))![1].Properties;
      const invokeEnv = functionOf(priced, 'ApprovalWorkflowInvokeUpstreamFunction').Environment.Variables;
      const proxyEnv = functionOf(priced, 'ProxyFunction').Environment.Variables;
      const onUsageTable = statementsOf('ApprovalWorkflowInvokeUpstreamRole').filter((s) => JSON.stringify(s.Resource).includes('UsageTable'));

      expect(invokeEnv.AIRLOCK_USAGE_TABLE).toEqual(proxyEnv.AIRLOCK_USAGE_TABLE);
      expect(invokeEnv.AIRLOCK_PRICES).toBe(proxyEnv.AIRLOCK_PRICES);
      expect(JSON.parse(invokeEnv.AIRLOCK_PRICES as string)).toEqual([{ model: 'gpt-*', input_per_million: 2, output_per_million: 8 }]);
      expect(onUsageTable.flatMap((s) => [s.Action].flat())).toEqual(['dynamodb:UpdateItem']);
    });
  });

  describe('approval routes', () => {
    const methodsOn = (pathPart: string) =>
      Object.values(template.findResources('AWS::ApiGateway::Method')).filter((m) => {
        const resource = resources[(m.Properties.ResourceId as { Ref: string }).Ref];
        const parent = resources[(resource?.Properties.ParentId as { Ref?: string } | undefined)?.Ref ?? ''];
        return resource?.Properties.PathPart === pathPart && parent?.Properties.PathPart === 'approvals';
      });

    it('sends GET /approvals/{id} to the page and POST to the decide function, without the bearer authorizer', () => {
      const byMethod = Object.fromEntries(
        methodsOn('{id}').map((m) => [m.Properties.HttpMethod, JSON.stringify(m.Properties.Integration.Uri)] as const),
      );

      expect(Object.keys(byMethod).sort()).toEqual(['GET', 'POST']);
      expect(byMethod.GET).toMatch(/ApprovalWorkflowPageFunction/);
      expect(byMethod.POST).toMatch(/ApprovalWorkflowDecideFunction/);
      for (const m of methodsOn('{id}')) expect(m.Properties.AuthorizationType).toBe('NONE');
    });

    it('configures the page for sign-in with the approvers client only', () => {
      const page = resources[idOf('AWS::Lambda::Function', 'ApprovalWorkflowPageFunction')]!.Properties.Environment.Variables;
      const [clientId] = Object.keys(template.findResources('AWS::Cognito::UserPoolClient', { Properties: { ClientName: 'airlock-approvers' } }));

      expect(page.AIRLOCK_COGNITO_CLIENT_IDS).toEqual({ Ref: clientId });
      expect(JSON.stringify(page.AIRLOCK_APPROVER_SIGN_IN)).toContain('/oauth2/authorize');
      template.hasResourceProperties('AWS::Cognito::UserPoolClient', { ClientName: 'airlock-approvers', GenerateSecret: false, CallbackURLs: Match.anyValue() });
    });
  });

  it('keeps the link-signing key in Secrets Manager under the data key', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      KmsKeyId: { 'Fn::ImportValue': Match.stringLikeRegexp('DataKeyArn') },
      GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
    });
  });
});
