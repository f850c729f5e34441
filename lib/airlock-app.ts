import { App, Validations, type AppProps, type Environment } from 'aws-cdk-lib';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { AirlockDeployment } from './config';
import { StatefulStack } from './stateful-stack';
import { StatelessStack } from './stateless-stack';

export interface AirlockStacks {
  stateful: StatefulStack;
  stateless: StatelessStack;
}

/**
 * A CDK app with the feature flags Airlock is built against (e.g. server access logs delivered
 * through a bucket policy, not ACLs): the same in `cdk synth` and in the tests.
 * Cross-stack references stay strong (Export/ImportValue): the stateful stack cannot be deleted
 * while the API still uses it, and no region is baked into an environment-agnostic template.
 */
export function newAirlockApp(props: AppProps = {}): App {
  return new App({
    ...props,
    context: { ...CURRENTLY_RECOMMENDED_FLAGS, '@aws-cdk/core:defaultCrossStackReferences': 'strong', ...props.context },
  });
}

/** The two stacks of one deployment; the stateless one receives the stateful resources. */
export function addAirlockStacks(app: App, deployment: AirlockDeployment): AirlockStacks {
  const { config } = deployment;
  const env: Environment = {
    account: config.account ?? process.env.CDK_DEFAULT_ACCOUNT,
    region: config.region ?? process.env.CDK_DEFAULT_REGION,
  };
  const name = `${config.namePrefix}-${config.stage}`;
  const tags = { project: 'airlock', stage: config.stage };
  const stateful = new StatefulStack(app, `${name}-stateful`, {
    env,
    tags,
    config,
    description: 'Airlock stateful resources: key, session table, transcript bucket, upstream secrets, user pool',
    terminationProtection: config.removalPolicy === 'retain',
  });
  const stateless = new StatelessStack(app, `${name}-stateless`, {
    env,
    tags,
    config,
    policyPath: deployment.policyPath,
    stateful: stateful.resources,
    description: 'Airlock API, functions and alarms',
  });
  stateless.addStackDependency(stateful);
  return { stateful, stateless };
}

/** cdk-nag AwsSolutions checks: any unacknowledged finding fails synthesis. */
export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}
