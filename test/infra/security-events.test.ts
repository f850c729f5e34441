import { Match, type Template } from 'aws-cdk-lib/assertions';
import { SECURITY_EVENT_MESSAGE } from '../../lambdas/auth/security-event';
import { SECURITY_METRIC } from '../../lib/constructs/observability';
import { synthAirlock } from './airlock-app';

describe('security events and approval events (AWS)', () => {
  let template: Template;
  beforeAll(() => {
    template = synthAirlock().statelessTemplate;
  });

  it.each(['ProxyLogGroup', 'IdentityAuthorizerLogGroup'])('counts security events from the %s by kind', (logGroupPrefix) => {
    const filters = Object.values(template.findResources('AWS::Logs::MetricFilter')).filter((f) => String(f.Properties.LogGroupName.Ref).startsWith(logGroupPrefix));

    expect(filters).toHaveLength(1);
    expect(filters[0]!.Properties).toMatchObject({
      FilterPattern: `{ $.message = "${SECURITY_EVENT_MESSAGE}" }`,
      MetricTransformations: [
        { MetricNamespace: SECURITY_METRIC.namespace, MetricName: SECURITY_METRIC.name, MetricValue: '1', Dimensions: [{ Key: SECURITY_METRIC.dimension, Value: '$.securityEvent' }] },
      ],
    });
  });

  it('alarms on a burst of refused tokens or groups', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('Authorizer function: a burst of refused tokens or groups'),
      Namespace: SECURITY_METRIC.namespace,
      MetricName: SECURITY_METRIC.name,
      Statistic: 'Sum',
      AlarmActions: Match.anyValue(),
    });
  });

  it.each(['ApprovalWorkflowRecordOutcome', 'ApprovalWorkflowDecide'])('lets %s publish approval events to the session bus', (prefix) => {
    const [fn] = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([id]) => id.startsWith(`${prefix}Function`));
    expect(fn?.[1].Properties.Environment.Variables.AIRLOCK_EVENT_BUS_NAME).toBeDefined();
    const roleId = Object.keys(template.findResources('AWS::IAM::Role')).find((id) => id.startsWith(`${prefix}Role`))!;
    const actions = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[] }[])
      .flatMap((s) => [s.Action].flat());

    expect(actions).toContain('events:PutEvents');
  });
});
