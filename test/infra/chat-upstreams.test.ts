import { synthAirlock, TEST_CONFIG } from './airlock-app';

const OPENAI_SECRET = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:airlock/openai-AbCdEf';
const UPSTREAMS = [
  { name: 'openai', kind: 'openai', url: 'https://api.openai.com/v1', models: ['gpt-*'], secret: OPENAI_SECRET, fallback: 'bedrock' },
  {
    name: 'bedrock',
    kind: 'bedrock',
    region: 'us-east-1',
    models: ['anthropic.claude-3-haiku-20240307-v1:0', 'amazon.nova-*', 'us.anthropic.claude-sonnet-4-20250514-v1:0', 'llama'],
    aliases: { llama: 'meta.llama3-70b-instruct-v1:0' },
  },
];

type Statement = { Sid?: string; Action: string | string[]; Resource: unknown };

function statements(template: ReturnType<typeof synthAirlock>['statelessTemplate'], sid: string): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => (p.Properties.PolicyDocument.Statement as Statement[]).filter((s) => s.Sid === sid));
}

/** Renders `{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},…]]}` as `arn:aws:…`. */
const text = (v: unknown): string =>
  typeof v === 'string' ? v : (v as any).Ref ? `<${(v as any).Ref}>` : ((v as any)['Fn::Join'][1] as unknown[]).map(text).join((v as any)['Fn::Join'][0]);

describe('chat upstreams in the stack', () => {
  const synthesized = synthAirlock({ ...TEST_CONFIG, upstreams: UPSTREAMS }, { nag: true });
  const template = synthesized.statelessTemplate;

  it('hands the proxy and the approved-request step the upstream list, not the shorthand', () => {
    const envs = Object.values(template.findResources('AWS::Lambda::Function'))
      .map((f) => f.Properties.Environment?.Variables ?? {})
      .filter((v) => v.AIRLOCK_UPSTREAMS);

    expect(envs).toHaveLength(2);
    for (const env of envs) {
      expect(JSON.parse(env.AIRLOCK_UPSTREAMS)).toEqual(UPSTREAMS);
      expect(env.AIRLOCK_UPSTREAM_URL).toBeUndefined();
      expect(env.AIRLOCK_UPSTREAM_SECRET_ARN).toBeUndefined();
    }
  });

  it('grants Bedrock invocation only on the configured models, and reading only the configured secrets', () => {
    const bedrock = statements(template, 'BedrockModels');
    const secrets = statements(template, 'UpstreamSecrets');

    expect(bedrock).toHaveLength(2);
    for (const s of bedrock) {
      expect(s.Action).toEqual(['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream']);
      expect((s.Resource as unknown[]).map(text).sort()).toEqual(
        [
          'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
          'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-*',
          'arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0',
          'arn:aws:bedrock:*::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0',
          // The alias's target, not the alias.
          'arn:aws:bedrock:us-east-1::foundation-model/meta.llama3-70b-instruct-v1:0',
        ].sort(),
      );
    }
    expect(secrets.map((s) => s.Resource)).toEqual([OPENAI_SECRET, OPENAI_SECRET]);
  });

  it('refuses the upstream list together with the single-upstream shorthand, and a secret that is no ARN', () => {
    expect(() => synthAirlock({ ...TEST_CONFIG, upstreams: UPSTREAMS, upstreamUrl: 'https://api.openai.com/v1' })).toThrow('upstreamUrl: upstreams lists the chat upstreams');
    expect(() => synthAirlock({ ...TEST_CONFIG, upstreams: [{ ...UPSTREAMS[0], secret: 'OPENAI_KEY', fallback: undefined }] })).toThrow('each upstream secret must be a Secrets Manager secret ARN');
  });
});
