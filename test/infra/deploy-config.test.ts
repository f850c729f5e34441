import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeployConfigError, loadDeployment } from '../../lib/config';
import { readConfig } from '../../lambdas/shared/config';

const VALID_POLICY = 'version: 1\naccess:\n  groups: [llm-users]\n';

describe('deployment config', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'airlock-config-'));
    writeFileSync(join(dir, 'airlock.policy.yaml'), VALID_POLICY);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const load = (context: Record<string, unknown>) => loadDeployment((key) => context[key], dir);

  it('accepts the shipped example deploy config (deploy/example.json) that the README deploys with', () => {
    // Jest runs from the repository root, as `cdk deploy` does.
    const { config } = loadDeployment((key) => (key === 'airlock:config' ? 'deploy/example.json' : undefined), process.cwd());

    expect(config).toMatchObject({ stage: 'prod', objectLock: { mode: 'governance', days: 90 } });
  });

  it('fills every key with its documented default', () => {
    const { config } = load({});

    expect(config).toMatchObject({
      stage: 'dev',
      namePrefix: 'airlock',
      removalPolicy: 'retain',
      logRetentionDays: 365,
      sessionTtlDays: 400,
      transcriptRetentionDays: 400,
      objectLock: { mode: 'off' },
      upstreamUrl: 'https://api.openai.com/v1',
      oidcIssuers: [],
      cognitoGroupMappings: [{ when: { scope: 'airlock/invoke' }, groups: ['llm-users'] }],
      approverEmails: [],
      policyFile: 'airlock.policy.yaml',
      maxBodyBytes: 1_048_576,
      throttle: { rateLimit: 50, burstLimit: 100 },
    });
  });

  it('reads a JSON config file and lets single -c keys override it, parsing JSON values', () => {
    writeFileSync(join(dir, 'prod.json'), JSON.stringify({ stage: 'prod', sessionTtlDays: 90, removalPolicy: 'retain' }));

    const { config } = load({
      'airlock:config': 'prod.json',
      'airlock:sessionTtlDays': '30',
      'airlock:objectLock': '{"mode":"compliance","days":30}',
      'airlock:approverEmails': '["lead@example.com"]',
    });

    expect(config.stage).toBe('prod');
    expect(config.sessionTtlDays).toBe(30);
    expect(config.objectLock).toEqual({ mode: 'compliance', days: 30 });
    expect(config.approverEmails).toEqual(['lead@example.com']);
  });

  it('resolves the policy file against the working directory and parses it', () => {
    const { policyPath, policy } = load({});

    expect(policyPath).toBe(join(dir, 'airlock.policy.yaml'));
    expect(policy.access.groups).toEqual(['llm-users']);
  });

  it.each([
    ['an unknown key', { 'airlock:config': { stagee: 'x' } }, /stagee/],
    ['a log retention CloudWatch does not offer', { 'airlock:logRetentionDays': '8' }, /logRetentionDays: one of 1, 3, 5/],
    ['an uppercase stage', { 'airlock:stage': 'Prod' }, /stage: lowercase/],
    ['an http OIDC issuer', { 'airlock:oidcIssuers': '[{"issuer":"http://idp.example.com","audience":"a"}]' }, /oidcIssuers\.0\.issuer/],
    ['an OIDC issuer without an audience', { 'airlock:oidcIssuers': '[{"issuer":"https://idp.example.com"}]' }, /oidcIssuers\.0\.audience/],
    ['a body limit above API Gateway\'s 10 MB', { 'airlock:maxBodyBytes': '20000000' }, /maxBodyBytes/],
    ['an Object Lock longer than the transcript retention', { 'airlock:objectLock': '{"mode":"governance","days":500}' }, /objectLock\.days: must not exceed transcriptRetentionDays \(500 > 400\)/],
    ['a hosted-UI prefix Cognito reserves', { 'airlock:hostedUiDomainPrefix': 'my-cognito-login' }, /hostedUiDomainPrefix: must not contain/],
  ])('refuses %s, naming the key', (_what, context, message) => {
    expect(() => load(context)).toThrow(DeployConfigError);
    expect(() => load(context)).toThrow(message);
  });

  it('fails on an invalid policy with the file path and the reason', () => {
    const bad = join(dir, 'bad.policy.yaml');
    writeFileSync(bad, 'version: 1\naccess:\n  groups: []\ndefaults:\n  risk:\n    review_at: 95\n    block_at: 90\n');

    expect(() => load({ 'airlock:policyFile': 'bad.policy.yaml' })).toThrow(`invalid policy ${bad}: access.groups:`);
  });

  it('fails on a missing policy file with its path', () => {
    expect(() => load({ 'airlock:policyFile': 'nowhere.yaml' })).toThrow(`policy file not found: ${join(dir, 'nowhere.yaml')}`);
  });

  it('fails on a missing config file with its path', () => {
    expect(() => load({ 'airlock:config': 'missing.json' })).toThrow(`config file not found: ${join(dir, 'missing.json')}`);
  });

  it('holds OIDC issuers and group mappings in the shape the runtime config reads', () => {
    const issuers = [
      {
        issuer: 'https://gitlab.example.com',
        audience: ['airlock'],
        groupsClaim: 'groups',
        jwksUri: 'https://gitlab.example.com/oauth/discovery/keys',
        groupMappings: [{ when: { project_path: 'team/app' }, groups: ['llm-users'] }],
      },
      { issuer: 'https://login.example.com', audience: null, groups: ['llm-users'] },
    ];
    const { config } = load({ 'airlock:oidcIssuers': JSON.stringify(issuers) });

    const runtime = readConfig('authorizer', {
      AIRLOCK_OIDC_ISSUERS: JSON.stringify(config.oidcIssuers),
      AIRLOCK_COGNITO_GROUP_MAPPINGS: JSON.stringify(config.cognitoGroupMappings),
    });

    expect(runtime.AIRLOCK_OIDC_ISSUERS).toEqual([issuers[0], { ...issuers[1], groupsClaim: 'groups' }]);
    expect(runtime.AIRLOCK_COGNITO_GROUP_MAPPINGS).toEqual(config.cognitoGroupMappings);
  });
});
