import { Match, type Template } from 'aws-cdk-lib/assertions';
import { synthAirlock, TEST_CONFIG } from './airlock-app';

/** An IAM resource as text: `SessionTable.Arn/index/byStatusShard` for an attribute imported from the stateful stack. */
function readable(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, any>;
  if (v['Fn::ImportValue']) {
    const m = /ExportsOutput(FnGetAtt|Ref)([A-Za-z]+?)(Arn)?[0-9A-F]{8}$/.exec(String(v['Fn::ImportValue']));
    return m ? (m[1] === 'Ref' ? m[2]! : `${m[2]}.Arn`) : String(v['Fn::ImportValue']);
  }
  if (v['Fn::GetAtt']) return `${v['Fn::GetAtt'][0]}.${v['Fn::GetAtt'][1]}`;
  if (v['Fn::Join']) return (v['Fn::Join'][1] as unknown[]).map(readable).join(v['Fn::Join'][0]);
  return JSON.stringify(value);
}

function sweepStatements(template: Template): { actions: string[]; resources: string[] }[] {
  const roles = Object.keys(template.findResources('AWS::IAM::Role')).filter((id) => id.startsWith('SessionSweepRole'));
  expect(roles).toHaveLength(1);
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roles[0]))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
    .map((s) => ({ actions: [s.Action].flat(), resources: [s.Resource].flat().map(readable) }));
}

describe('interrupted-session sweep (AWS)', () => {
  let template: Template;
  beforeAll(() => {
    template = synthAirlock().statelessTemplate;
  });

  it('runs the sweep function every five minutes from an EventBridge schedule', () => {
    const fns = template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('interrupted') } });
    const [fnId] = Object.keys(fns);

    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Targets: Match.arrayWith([Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId, 'Arn'] } })]),
    });
  });

  it('waits past the proxy timeout before calling a session interrupted', () => {
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('interrupted') } }));
    const [proxy] = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('streaming proxy') } }));

    expect(Number(fn!.Properties.Environment.Variables.AIRLOCK_SWEEP_AFTER_SECONDS)).toBeGreaterThan(proxy!.Properties.Timeout);
  });

  it('may only query the status index and update session items (no scan, no other index, no transcripts)', () => {
    const statements = sweepStatements(template);
    const data = statements.filter((s) => s.actions.some((a) => a.startsWith('dynamodb:')));

    expect(data).toEqual(
      expect.arrayContaining([
        { actions: ['dynamodb:Query'], resources: ['SessionTable.Arn/index/byStatusShard'] },
        { actions: ['dynamodb:UpdateItem'], resources: ['SessionTable.Arn'] },
      ]),
    );
    expect(data).toHaveLength(2);
    const everything = statements.flatMap((s) => s.actions);
    expect(everything.filter((a) => /^(s3|secretsmanager|events|states|sns):/.test(a) || a === 'dynamodb:Scan')).toEqual([]);
    expect(statements.filter((s) => s.actions.some((a) => a.startsWith('kms:'))).flatMap((s) => s.resources)).toEqual(['DataKey.Arn']);
  });

  it('passes the cdk-nag AwsSolutions checks', () => {
    expect(() => synthAirlock(TEST_CONFIG, { nag: true })).not.toThrow();
  });
});
