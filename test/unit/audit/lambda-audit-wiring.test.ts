import { lambdaGatewayDeps } from '../../../lambdas/handlers/gateway-runtime';
import { readRuntimeConfig } from '../../../lambdas/shared/config';
import { EventBridgeSessionEvents } from '../../../lambdas/store/eventbridge-session-events';
import { DynamoSessionQueries } from '../../../lambdas/store/session-queries';
import { policyJsonFile } from '../../../lib/function-bundling';

const LAMBDA_ENV = {
  AIRLOCK_SESSION_TABLE: 'sessions',
  AIRLOCK_TRANSCRIPT_BUCKET: 'transcripts',
  AIRLOCK_UPSTREAM_URL: 'https://upstream.example/v1',
  // The policy as the function bundle carries it: JSON written at synth.
  AIRLOCK_POLICY_FILE: policyJsonFile('airlock.policy.yaml'),
};

describe('audit wiring of the proxy Lambda', () => {
  it('searches sessions through the table indexes and publishes session events to the configured bus', () => {
    const deps = lambdaGatewayDeps(readRuntimeConfig({ ...LAMBDA_ENV, AIRLOCK_EVENT_BUS_NAME: 'airlock-prod-sessions' }));

    expect(deps.queries).toBeInstanceOf(DynamoSessionQueries);
    expect(deps.events).toBeInstanceOf(EventBridgeSessionEvents);
  });

  it('publishes nothing when no bus is configured', () => {
    const deps = lambdaGatewayDeps(readRuntimeConfig(LAMBDA_ENV));

    expect(deps.events).toBeUndefined();
  });
});
