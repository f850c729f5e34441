import { Template } from 'aws-cdk-lib/assertions';
import { addAirlockStacks, addNagChecks, newAirlockApp, type AirlockStacks } from '../../lib/airlock-app';
import { loadDeployment } from '../../lib/config';
import { StatefulStack } from '../../lib/stateful-stack';

/** A deployment config for tests: a fixed account and region so templates are fully concrete. */
export const TEST_CONFIG = {
  stage: 'test',
  account: '111122223333',
  region: 'eu-west-1',
  alarmEmail: 'ops@example.com',
  oidcIssuers: [
    {
      issuer: 'https://token.actions.githubusercontent.com',
      audience: 'airlock',
      groupsClaim: 'groups',
      groupMappings: [{ when: { repository: 'example/app' }, groups: ['llm-users'] }],
    },
  ],
};

export interface SynthesizedAirlock extends AirlockStacks {
  statefulTemplate: Template;
  statelessTemplate: Template;
}

/**
 * Synthesizes the Airlock app in process. Bundling is skipped unless asked for (it is what makes
 * synthesis slow); `nag` adds the AwsSolutions checks, which make synthesis throw on any finding.
 */
export function synthAirlock(
  config: Record<string, unknown> = TEST_CONFIG,
  options: { bundle?: boolean; nag?: boolean; outdir?: string } = {},
): SynthesizedAirlock {
  const app = newAirlockApp({
    context: { 'airlock:config': config, ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) },
    ...(options.outdir ? { outdir: options.outdir } : {}),
  });
  const stacks = addAirlockStacks(app, loadDeployment((key) => app.node.tryGetContext(key)));
  if (options.nag) addNagChecks(app);
  app.synth();
  return {
    ...stacks,
    statefulTemplate: Template.fromStack(stacks.stateful),
    statelessTemplate: Template.fromStack(stacks.stateless),
  };
}

/** Only the stateful stack: what its tests need, without building the API and functions. */
export function synthStateful(config: Record<string, unknown> = TEST_CONFIG): Template {
  const app = newAirlockApp({ context: { 'airlock:config': config } });
  const { config: parsed } = loadDeployment((key) => app.node.tryGetContext(key));
  const stack = new StatefulStack(app, 'stateful', { config: parsed, env: { account: parsed.account, region: parsed.region } });
  return Template.fromStack(stack);
}
