import { chars, fake, inspector, p } from './fixtures';

const ins = inspector({ detectors: { private_key: 'block' } });

describe('detection gaps closed', () => {
  it.each([
    ['a token in the user info of a URL', () => `git clone https://${fake.githubPat()}@github.com/acme/app.git`, 'github_token'],
    ['a token as a URL path segment', () => `curl -X POST https://api.example.com/v1/keys/${fake.stripeLive()}/rotate`, 'stripe_key'],
    ['a mailto: address', () => '<a href="mailto:jane.doe@acme.io">write</a>', 'email'],
    ['a percent-encoded e-mail in a query string', () => 'https://x.example/cb?email=jane.doe%40acme.io&x=1', 'email'],
    ['a percent-encoded DSN in a query string', () => `https://x.example/cb?dsn=postgres%3A%2F%2Fapp%3A${chars(12)}%40db.internal%2Fx`, 'url_credentials'],
    ['a password containing @ in a URL', () => `redis://default:${chars(5)}@${chars(9)}@cache.internal:6379`, 'url_credentials'],
    ['prose credentials, user / password', () => `the admin login is admin / ${chars(6)}^${chars(5)}9`, 'password'],
    ['prose credentials, password then value', () => `login as root, password ${chars(8)}!7`, 'password'],
  ])('masks %s', (_name, make, type) => {
    const text = make();

    const { masked, findings } = ins.maskText(text);

    expect(findings.map((f) => f.type)).toContain(type);
    expect(masked).toContain(`[REDACTED:${type}]`);
  });

  it.each([
    ['an & inside a bare password', (v: string) => `DB_PASSWORD=${v.slice(0, 6)}&${v.slice(6)};next`, 'DB_PASSWORD=[REDACTED:generic_secret];next'],
    ['an & that starts the next query parameter', (v: string) => `https://x.example/cb?token=${v}&user=bob`, 'https://x.example/cb?token=[REDACTED:generic_secret]&user=bob'],
    ['a shell &&', (v: string) => `TOKEN=${v} && echo ok`, 'TOKEN=[REDACTED:generic_secret] && echo ok'],
  ])('masks the whole value and nothing after it: %s', (_name, make, expected) => {
    const value = `${chars(8)}9${chars(9)}`;

    expect(ins.maskText(make(value)).masked).toBe(expected);
  });

  it('blocks a PEM block with a lower-case header, as the policy says for private keys', () => {
    const pem = [p('-----begin rsa ', 'private key-----'), chars(64), chars(64), p('-----end rsa ', 'private key-----')].join('\n');

    const inspection = ins.inspectChat({ model: 'm', messages: [{ role: 'user', content: pem }] }, 'openai');

    expect(inspection.blockedBy).toEqual(['private_key']);
  });

  it('leaves the password from the user with the address intact', () => {
    const text = `redis://default:${chars(5)}@${chars(9)}@cache.internal:6379`;

    const { masked } = ins.maskText(text);

    expect(masked).toBe('redis://[REDACTED:url_credentials]@cache.internal:6379');
  });

  it.each([
    'the password is incorrect, please try again',
    'passwords must have at least 12 characters',
    'login with your company account / SSO',
    'see https://docs.example.com/guides/ghp_tokens/overview for tokens',
    'the file src/keys/sk_live_config.ts exports the settings',
    'login: admin / Welcome',
  ])('leaves ordinary text alone: %s', (text) => {
    expect(ins.maskText(text).findings).toEqual([]);
  });
});
