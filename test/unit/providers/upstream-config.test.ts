import { readConfig } from '../../../lambdas/shared/config';
import { modelGlob, resolveUpstreams } from '../../../lambdas/shared/upstream-config';
import { storedApprovalSchema } from '../../../lambdas/store/approval-schema';

describe('upstreams configuration', () => {
  const base = { AIRLOCK_DATA_DIR: '/tmp/x' };

  it('reads AIRLOCK_UPSTREAMS as a list of upstreams', () => {
    const list = [
      { name: 'openai', kind: 'openai', url: 'https://api.openai.com/v1', models: ['gpt-*'], secret: 'OPENAI_KEY', fallback: 'bedrock' },
      { name: 'bedrock', kind: 'bedrock', region: 'us-east-1', models: ['anthropic.claude-*'] },
    ];

    const config = readConfig('local', { ...base, AIRLOCK_UPSTREAMS: JSON.stringify(list) });

    expect(config.AIRLOCK_UPSTREAMS).toEqual(list);
  });

  it.each([
    [[{ name: 'a', kind: 'openai', models: ['*'] }], 'AIRLOCK_UPSTREAMS[0].url: an openai upstream needs its base url'],
    [[{ name: 'b', kind: 'bedrock', models: ['*'] }], 'AIRLOCK_UPSTREAMS[0].region: a bedrock upstream needs its region'],
    [[{ name: 'b', kind: 'bedrock', region: 'us-east-1', models: ['*'], secret: 'X' }], 'a bedrock upstream takes no secret'],
    [[{ name: 'a', kind: 'openai', url: 'https://x.test', models: ['*'], fallback: 'nobody' }], 'AIRLOCK_UPSTREAMS[0].fallback: no upstream is named \'nobody\''],
    [[{ name: 'a', kind: 'openai', url: 'https://x.test', models: ['*'] }, { name: 'a', kind: 'anthropic', url: 'https://y.test', models: ['*'] }], 'AIRLOCK_UPSTREAMS[1].name: upstream name \'a\' is used twice'],
    [[{ name: 'a', kind: 'vertex', url: 'https://x.test', models: ['*'] }], 'AIRLOCK_UPSTREAMS[0].kind'],
    [[{ name: 'a', kind: 'openai', url: 'https://x.test', models: ['gpt-*'], aliases: { fast: 'gpt-4o-mini' } }], "AIRLOCK_UPSTREAMS[0].aliases.fast: alias 'fast' is not among this upstream's models"],
  ])('names what is wrong in %j', (list, message) => {
    expect(() => readConfig('local', { ...base, AIRLOCK_UPSTREAMS: JSON.stringify(list) })).toThrow(message);
  });

  it('keeps the single-upstream settings as a shorthand for one upstream per API, serving every model', () => {
    expect(resolveUpstreams({ AIRLOCK_UPSTREAM_URL: 'https://api.openai.com/v1', AIRLOCK_ANTHROPIC_URL: 'https://api.anthropic.com/v1' }, { openai: 'arn:openai', anthropic: 'arn:anthropic' })).toEqual([
      { name: 'openai', kind: 'openai', url: 'https://api.openai.com/v1', models: ['*'], secret: 'arn:openai' },
      { name: 'anthropic', kind: 'anthropic', url: 'https://api.anthropic.com/v1', models: ['*'], secret: 'arn:anthropic' },
    ]);
  });

  it('refuses the list and the shorthand at once', () => {
    expect(() => resolveUpstreams({ AIRLOCK_UPSTREAMS: [{ name: 'a', kind: 'openai', url: 'https://x.test', models: ['*'] }], AIRLOCK_UPSTREAM_URL: 'https://y.test' }, {})).toThrow(
      'AIRLOCK_UPSTREAMS lists the upstreams; AIRLOCK_UPSTREAM_URL (the single-upstream shorthand) must then be unset',
    );
  });

  it('matches model globs on the whole id, dots and colons literal', () => {
    expect(modelGlob('anthropic.claude-*').test('anthropic.claude-3-haiku-20240307-v1:0')).toBe(true);
    expect(modelGlob('anthropic.claude-*').test('anthropicXclaude-3')).toBe(false);
    expect(modelGlob('gpt-4o').test('gpt-4o-mini')).toBe(false);
  });
});

describe('held requests name their format', () => {
  it('reads an approval stored before the format was recorded as an OpenAI chat', () => {
    const old = {
      id: 'A1234567890',
      sessionId: 'S1',
      sessionCreatedAt: '2026-01-01T00:00:00.000Z',
      requestHash: 'a'.repeat(64),
      status: 'pending',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      decideBy: '2026-01-01T01:00:00.000Z',
      reuseUntil: '2026-01-01T01:00:00.000Z',
      principal: { issuer: 'https://i.test', sub: 'alice', groups: [] },
      model: 'gpt-4o',
      stream: false,
      risk: { score: 50, reasons: [] },
      findingCounts: {},
      approversGroup: 'approvers',
      selfApproval: false,
      timeoutSeconds: 3600,
      promptExcerpt: 'x',
      requestKey: 'k',
      requestSha256: 'b'.repeat(64),
    };

    expect(storedApprovalSchema.parse(old).format).toBe('openai');
    expect(storedApprovalSchema.parse({ ...old, format: 'anthropic' }).format).toBe('anthropic');
  });
});

describe('the AWS functions\' upstreams', () => {
  const proxyEnv = {
    AIRLOCK_SESSION_TABLE: 't',
    AIRLOCK_TRANSCRIPT_BUCKET: 'b',
    AIRLOCK_PUBLIC_BASE_URL: 'https://airlock.example.com/prod',
  };

  it('builds every listed upstream with the APIs its kind answers', async () => {
    const { awsUpstreams } = await import('../../../lambdas/aws/adapters');
    const config = readConfig('proxy', {
      ...proxyEnv,
      AIRLOCK_UPSTREAMS: JSON.stringify([
        { name: 'openai', kind: 'openai', url: 'https://api.openai.com/v1', models: ['gpt-*'], secret: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:k-AbCdEf' },
        { name: 'bedrock', kind: 'bedrock', region: 'eu-west-1', models: ['anthropic.claude-*'] },
      ]),
    });

    const { providers } = awsUpstreams(config);

    expect('list' in providers && providers.list.map((u) => [u.name, u.formats, u.provider.name])).toEqual([
      ['openai', ['openai'], 'openai'],
      ['bedrock', ['openai', 'anthropic'], 'bedrock'],
    ]);
  });

  it('fails at cold start when no upstream is configured, saying what to set', async () => {
    const { awsUpstreams } = await import('../../../lambdas/aws/adapters');

    expect(() => awsUpstreams(readConfig('proxy', proxyEnv))).toThrow('no chat upstream (set AIRLOCK_UPSTREAMS, or AIRLOCK_UPSTREAM_URL and AIRLOCK_UPSTREAM_SECRET_ARN)');
  });
});
