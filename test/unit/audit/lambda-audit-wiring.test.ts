import { awsGatewayAdapters } from '../../../lambdas/aws/adapters';
import { composeGateway } from '../../../lambdas/gateway/compose';
import { readConfig } from '../../../lambdas/shared/config';
import { EventBridgeSessionEvents } from '../../../lambdas/store/eventbridge-session-events';
import { DynamoSessionQueries } from '../../../lambdas/store/session-queries';
import { policyJsonFile } from '../../../lib/function-bundling';

const LAMBDA_ENV = {
  AIRLOCK_SESSION_TABLE: 'sessions',
  AIRLOCK_TRANSCRIPT_BUCKET: 'transcripts',
  AIRLOCK_UPSTREAM_URL: 'https://upstream.example/v1',
  AIRLOCK_UPSTREAM_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:upstream',
  AIRLOCK_PUBLIC_BASE_URL: 'https://api.example/prod',
  // The policy as the function bundle carries it: JSON written at synth.
  AIRLOCK_POLICY: policyJsonFile('airlock.policy.yaml'),
};

describe('audit wiring of the proxy Lambda', () => {
  it('searches sessions through the table indexes and publishes session events to the configured bus', () => {
    const { deps } = composeGateway(awsGatewayAdapters(readConfig('proxy', { ...LAMBDA_ENV, AIRLOCK_EVENT_BUS_NAME: 'airlock-prod-sessions' })));

    expect(deps.queries).toBeInstanceOf(DynamoSessionQueries);
    expect(deps.events).toBeInstanceOf(EventBridgeSessionEvents);
  });

  it('publishes nothing when no bus is configured', () => {
    const { deps } = composeGateway(awsGatewayAdapters(readConfig('proxy', LAMBDA_ENV)));

    expect(deps.events).toBeUndefined();
  });

  it('refuses to start without a setting the proxy cannot run without, naming it', () => {
    const { AIRLOCK_SESSION_TABLE: _omitted, ...env } = LAMBDA_ENV;

    expect(() => readConfig('proxy', env)).toThrow(/AIRLOCK_SESSION_TABLE/);
  });
});
