import { chars, fake, HEX, inspector, LOWER, p } from './fixtures';

const ins = inspector();

/** Each case: the detector type, then a secret and the text around it. */
const positives: Array<[string, string, (s: string) => string]> = [
  ['aws_access_key_id', fake.awsKeyId(), (s) => `export AWS_ACCESS_KEY_ID=${s}`],
  ['github_token', fake.githubPat(), (s) => `git clone https://${s}@github.com/acme/app.git`.replace('https://', 'token ')],
  ['github_fine_grained_token', fake.githubFineGrained(), (s) => `GH_TOKEN: ${s}`],
  ['slack_token', fake.slackBot(), (s) => `const slack = new WebClient("${s}");`],
  ['slack_webhook_url', fake.slackWebhook(), (s) => `curl -X POST https://${s} -d '{"text":"hi"}'`],
  ['stripe_key', fake.stripeLive(), (s) => `stripe.api_key = '${s}'`],
  ['openai_api_key', fake.openai(), (s) => `Here is my key ${s}, why does it fail?`],
  ['anthropic_api_key', fake.anthropic(), (s) => `ANTHROPIC_API_KEY=${s}`],
  ['huggingface_token', fake.huggingface(), (s) => `login(token="${s}")`],
  ['npm_token', fake.npm(), (s) => `//registry.npmjs.org/:_authToken=${s}`],
  ['pypi_token', fake.pypi(), (s) => `password = ${s}`],
  ['docker_hub_token', fake.dockerHub(), (s) => `docker login -u me -p ${s}`],
  ['gitlab_token', fake.gitlab(), (s) => `PRIVATE-TOKEN: ${s}`],
  ['gcp_api_key', fake.gcpApiKey(), (s) => `https://maps.googleapis.com/maps/api/geocode/json?key=${s}`],
  ['sendgrid_api_key', fake.sendgrid(), (s) => `sg = SendGridAPIClient('${s}')`],
  ['twilio_api_key', fake.twilio(), (s) => `client = Client("${s}", secret)`],
  ['shopify_token', fake.shopify(), (s) => `X-Shopify-Access-Token: ${s}`],
  ['digitalocean_token', fake.digitalocean(), (s) => `doctl auth init -t ${s}`],
  ['vault_token', fake.vault(), (s) => `VAULT_TOKEN=${s} vault kv get secret/app`],
  ['jwt', fake.jwt(), (s) => `the session cookie was ${s} before logout`],
  ['private_key', fake.pemKey(), (s) => `my deploy key:\n${s}\nthanks`],
  ['azure_ad_client_secret', fake.azureAdSecret(), (s) => `ClientSecret: ${s}`],
  ['url_credentials', `svc_app:${chars(16)}`, (s) => `DATABASE_URL=postgres://${s}@db.internal:5432/main`],
  ['authorization_credential', chars(40, HEX), (s) => `curl -H "Authorization: Bearer ${s}" https://api.example.com`],
  ['cli_credentials', `elastic:${chars(14)}`, (s) => `curl --cacert ca.crt -u ${s} https://localhost:9200`],
  ['generic_secret', chars(32), (s) => `client_secret = "${s}"`],
  ['generic_secret', 'Tr0ub4dor&3', (s) => `db.password: "${s}"`],
];

describe('secret detectors', () => {
  it.each(positives)('masks a %s and names its type', (type, secret, wrap) => {
    const text = wrap(secret);

    const { masked, findings } = ins.maskText(text);

    expect(masked).not.toContain(secret);
    expect(masked).toContain(`[REDACTED:`);
    expect(findings.map((f) => f.type)).toContain(type);
  });

  it.each(positives)('reports a %s span that covers the secret and no finding value', (_type, secret, wrap) => {
    const text = wrap(secret);
    const at = text.indexOf(secret);

    const { findings } = ins.maskText(text);

    expect(findings.some((f) => f.start <= at && f.end >= at + secret.length)).toBe(true);
    expect(JSON.stringify(findings)).not.toContain(secret);
  });

  it('accepts a low-entropy GitHub token whose CRC32 checksum is valid, and only then', () => {
    const random30 = 'aaaaabbbbbcccccdddddeeeeefffff';
    const valid = fake.githubWithChecksum(random30);
    const broken = valid.slice(0, -1) + (valid.endsWith('0') ? '1' : '0');

    expect(ins.maskText(`token ${valid}`).findings.map((f) => f.type)).toEqual(['github_token']);
    expect(ins.maskText(`see ${broken}`).findings).toEqual([]);
  });

  it('masks an AWS secret access key by its keyword context', () => {
    const secret = fake.awsSecret();

    const { masked } = ins.maskText(`aws_secret_access_key = ${secret}`);

    expect(masked).toBe('aws_secret_access_key = [REDACTED:generic_secret]');
  });

  it('masks the password of a connection string but keeps host and database', () => {
    const { masked } = ins.maskText(p('mongodb+srv://', 'admin:', 'pA55w0rd-x9@cluster0.example.net/prod'));

    expect(masked).toBe('mongodb+srv://[REDACTED:url_credentials]@cluster0.example.net/prod');
  });
});

/** Text that looks a little like secrets but is not: must come out unchanged. */
const hardNegatives: Array<[string, string]> = [
  ['a git commit SHA', `commit ${chars(40, HEX)} fixed the parser`],
  ['a UUID', `request_id=7f3c2a1e-9b4d-4e8f-a2c1-5d6e7f8a9b0c status=200`],
  ['a SHA-256 digest', `sha256: ${chars(64, HEX)}`],
  ['an integrity string', `"integrity": "sha512-${chars(86)}=="`],
  ['a placeholder key', 'OPENAI_API_KEY=<your-api-key>'],
  ['a template variable', 'password: ${DB_PASSWORD}'],
  ['an env lookup', 'const token = process.env.GITHUB_TOKEN;'],
  ['x-ed out docs', `api_key = "${'x'.repeat(32)}"`],
  ['a stand-in word', 'api_key: YOUR_API_KEY'],
  ['AWS documentation key', p('AKIA', 'IOSFODNN7', 'EXAMPLE')],
  ['a code reference', 'password = request.form.password'],
  ['a function call', 'secret = get_secret(name)'],
  ['a key id, not a key', 'kms_key_id = "alias/app-prod"'],
  ['a public key name', 'public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5"'],
  ['a token URL', 'token_url = "https://auth.example.com/oauth/token"'],
  ['a keyboard shortcut', 'keyboard: "ctrl+shift+k"'],
  ['a word list value', 'key: "user-settings-panel"'],
  ['prose about passwords', 'The password must be at least twelve characters long.'],
  ['prose about tokens', 'Each token costs a fraction of a cent; the key insight is batching.'],
  ['a slack-like file name', 'https://example.org/images/2018-250-xoxo-party-1.jpg'],
  ['a short prefix in a word', 'task_test_results and risk-assessment notes'],
  ['an empty PEM example', p('-----BEGIN PRIVATE ', 'KEY-----\nanything\n-----END PRIVATE KEY-----')],
  ['a markdown table', '| key | value |\n|-----|-------|\n| timeout | 30 |'],
  ['a version string', 'notes = "io.jsonwebtoken:jjwt-jackson-0.11.2"'],
  ['a sequential dummy', `secret_key => "sk_${LOWER}123"`],
  ['a documented curl login', 'curl -u username:password https://api.example.com'],
  ['a user switch', 'sudo -u postgres psql -c "select 1"'],
];

describe('secret detectors on look-alikes', () => {
  it.each(hardNegatives)('leaves %s unchanged', (_what, text) => {
    expect(ins.maskText(text)).toEqual({ masked: text, findings: [] });
  });
});
