import { Match, type Template } from 'aws-cdk-lib/assertions';
import { parseDeployConfig } from '../../lib/config';
import { APPROVAL_EVENT, SESSION_EVENT } from '../../lambdas/store/eventbridge-session-events';
import { synthAirlock, synthStateful, TEST_CONFIG } from './airlock-app';

const SIEM_BUS = 'arn:aws:events:eu-west-1:444455556666:event-bus/siem-intake';
const AUDIT_CONFIG = {
  ...TEST_CONFIG,
  sessionEvents: { forwardToEventBusArn: SIEM_BUS, archiveDays: 90 },
  sessionTtlDays: 730,
  transcriptRetentionDays: 2555,
  objectLock: { mode: 'compliance', days: 2555 },
};

describe('audit infrastructure', () => {
  describe('session events for a SIEM', () => {
    let template: Template;
    beforeAll(() => {
      template = synthAirlock(AUDIT_CONFIG).statelessTemplate;
    });
    const busRef = { Ref: Match.stringLikeRegexp('^SessionEvents') };

    it('forwards every session event from the gateway’s bus to the configured SIEM bus', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventBusName: busRef,
        EventPattern: { source: [SESSION_EVENT.source], 'detail-type': [SESSION_EVENT.detailType, APPROVAL_EVENT.detailType] },
        Targets: [Match.objectLike({ Arn: SIEM_BUS, RoleArn: Match.anyValue() })],
      });
    });

    it('lets the forwarding role put events on the SIEM bus only', () => {
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: { Statement: [{ Action: 'events:PutEvents', Effect: 'Allow', Resource: SIEM_BUS }] },
      });
    });

    it('archives session events for the configured number of days', () => {
      template.hasResourceProperties('AWS::Events::Archive', {
        SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SessionEvents'), 'Arn'] },
        RetentionDays: 90,
        EventPattern: { source: [SESSION_EVENT.source], 'detail-type': [SESSION_EVENT.detailType, APPROVAL_EVENT.detailType] },
      });
    });

    it('adds neither rule nor archive unless configured', () => {
      const plain = synthAirlock(TEST_CONFIG).statelessTemplate;

      // The one rule left is the interrupted-session sweep's schedule, on the default bus.
      expect(Object.values(plain.findResources('AWS::Events::Rule')).filter((r) => r.Properties.EventPattern)).toEqual([]);
      plain.resourceCountIs('AWS::Events::Archive', 0);
    });

    it('passes the cdk-nag AwsSolutions checks with forwarding and archive on', () => {
      expect(() => synthAirlock(AUDIT_CONFIG, { nag: true })).not.toThrow();
    });

    it('refuses a forwarding target that is not an event bus ARN', () => {
      expect(() => parseDeployConfig({ sessionEvents: { forwardToEventBusArn: 'arn:aws:sqs:eu-west-1:444455556666:siem' } })).toThrow(
        /sessionEvents\.forwardToEventBusArn: an EventBridge event bus ARN/,
      );
    });
  });

  describe('retention from config', () => {
    let stateful: Template;
    beforeAll(() => {
      stateful = synthStateful(AUDIT_CONFIG);
    });

    it('locks transcripts in compliance mode and expires them after the retention period', () => {
      stateful.hasResourceProperties('AWS::S3::Bucket', {
        ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 2555 } } },
        LifecycleConfiguration: {
          Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 2555, NoncurrentVersionExpiration: { NoncurrentDays: 2555 } })]),
        },
      });
    });

    it('refuses an Object Lock period longer than the transcripts are kept', () => {
      expect(() => parseDeployConfig({ transcriptRetentionDays: 30, objectLock: { mode: 'governance', days: 31 } })).toThrow(/objectLock\.days/);
    });

    it('gives the proxy the session TTL, which the table expires items by', () => {
      const { statelessTemplate } = synthAirlock(AUDIT_CONFIG);

      stateful.hasResourceProperties('AWS::DynamoDB::Table', { TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } });
      statelessTemplate.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ AIRLOCK_SESSION_TTL_DAYS: '730', AIRLOCK_EVENT_BUS_NAME: Match.anyValue() }) },
      });
    });
  });
});
