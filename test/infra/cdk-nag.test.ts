import { App, Stack, Validations } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { synthAirlock, TEST_CONFIG } from './airlock-app';

describe('cdk-nag AwsSolutions checks', () => {
  it('pass on the whole app with every suppression acknowledged', () => {
    expect(() => synthAirlock(TEST_CONFIG, { nag: true })).not.toThrow();
  });

  it('pass on the dev variant with Object Lock and an Anthropic upstream', () => {
    const config = { ...TEST_CONFIG, removalPolicy: 'destroy', objectLock: { mode: 'governance', days: 30 }, anthropicUrl: 'https://api.anthropic.com/v1' };

    expect(() => synthAirlock(config, { nag: true })).not.toThrow();
  });

  it('fail synthesis on an unacknowledged finding (the check is live)', () => {
    const app = new App();
    new Bucket(new Stack(app, 'Plain'), 'UnloggedBucket');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

    expect(() => app.synth()).toThrow(/AwsSolutions-S1/);
  });
});
