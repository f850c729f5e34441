import { ALNUM, chars, DIGITS, HEX, inspector, LOWER, p, UPPER } from './fixtures';

const ins = inspector();
const URLSAFE = `${ALNUM}_-`;

/** One realistic token per vendor detector: the type it must be reported as, its prefix (split) and body. */
const tokens: Array<[string, string]> = [
  ['adobe_client_secret', p('p8', 'e-') + chars(32)],
  ['age_secret_key', p('AGE-SECRET', '-KEY-1') + chars(58, 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L')],
  ['ai_vendor_api_key', p('gs', 'k_') + chars(52)],
  ['alibaba_access_key_id', p('LT', 'AI') + chars(20)],
  ['artifactory_token', p('AK', 'Cp') + chars(69)],
  ['aws_bedrock_api_key', p('AB', 'SK', 'QmVkcm9ja0FQSUtleS') + chars(110, `${ALNUM}+/`).replace(/[+/]$/, 'a')],
  ['clojars_token', p('CLOJ', 'ARS_') + chars(60, LOWER + DIGITS)],
  ['cloudflare_origin_ca_key', p('v1', '.0-') + chars(24, HEX) + '-' + chars(146, HEX)],
  ['databricks_token', p('da', 'pi') + chars(32, HEX)],
  ['defined_networking_token', p('dnk', 'ey-') + chars(26, LOWER + DIGITS) + '-' + chars(52, LOWER + DIGITS)],
  ['digitalocean_token', p('do', 'o_v1_') + chars(64, HEX)],
  ['discord_webhook_url', p('discord.com/api/', 'webhooks/') + chars(18, DIGITS) + '/' + chars(68, ALNUM)],
  ['docker_hub_token', p('dckr', '_pat_') + chars(27, ALNUM)],
  ['doppler_token', p('dp', '.pt.') + chars(43)],
  ['dynatrace_token', p('dt0', 'c01.') + chars(24, UPPER + DIGITS) + '.' + chars(64, UPPER + DIGITS)],
  ['easypost_api_key', p('EZ', 'AK') + chars(54)],
  ['facebook_token', p('EA', 'AC') + chars(120)],
  ['flutterwave_key', p('FLWSECK', '_TEST-') + chars(32, 'abcdefgh0123456789') + '-X'],
  ['flyio_token', p('fo', '1_') + chars(43, URLSAFE).replace(/[-_]$/, 'x')],
  ['frameio_token', p('fio', '-u-') + chars(64)],
  ['gitlab_token', p('glr', 't-') + chars(20)],
  ['google_oauth_credential', p('GOC', 'SPX-') + chars(28)],
  ['gocardless_token', p('li', 've_') + chars(40)],
  ['grafana_token', p('gl', 'sa_') + chars(32) + '_' + chars(8, HEX)],
  ['harness_token', p('pa', 't.') + chars(22) + '.' + chars(24) + '.' + chars(20)],
  ['heroku_api_key', p('HR', 'KU-') + chars(60)],
  ['infra_vendor_token', p('sb', 'p_') + chars(40, HEX)],
  ['infracost_api_key', p('ic', 'o-') + chars(32)],
  ['intra42_client_secret', p('s-s4', 't2ud-') + chars(64, HEX)],
  ['linear_api_key', p('lin', '_api_') + chars(40)],
  ['mailgun_key', p('ke', 'y-') + chars(32, HEX)],
  ['mapbox_token', p('p', 'k.') + chars(60) + '.' + chars(22)],
  ['new_relic_key', p('NR', 'AK-') + chars(27, UPPER + DIGITS)],
  ['notion_token', p('nt', 'n_') + chars(11, DIGITS) + chars(35)],
  ['onepassword_token', p('A', '3-') + chars(6, UPPER + DIGITS) + '-' + chars(11, UPPER + DIGITS) + '-' + chars(5, UPPER + DIGITS) + '-' + chars(5, UPPER + DIGITS) + '-' + chars(5, UPPER + DIGITS)],
  ['openshift_token', p('sha', '256~') + chars(43)],
  ['plaid_token', p('access-', 'sandbox-') + [8, 4, 4, 4, 12].map((n) => chars(n, HEX)).join('-')],
  ['perplexity_api_key', p('pp', 'lx-') + chars(48)],
  ['planetscale_token', p('pscale', '_tkn_') + chars(43)],
  ['postman_api_key', p('PM', 'AK-') + chars(24, HEX) + '-' + chars(34, HEX)],
  ['prefect_api_key', p('pn', 'u_') + chars(36)],
  ['pulumi_token', p('pu', 'l-') + chars(40, HEX)],
  ['readme_api_key', p('rd', 'me_') + chars(70, LOWER + DIGITS)],
  ['rubygems_api_key', p('rubygems', '_') + chars(48, HEX)],
  ['scalingo_token', p('tk', '-us-') + chars(48)],
  ['sentry_token', p('sntr', 'yu_') + chars(64, HEX)],
  ['settlemint_token', p('sm', '_pat_') + chars(16)],
  ['shippo_token', p('shippo', '_live_') + chars(40, HEX)],
  ['sourcegraph_token', p('sg', 'p_') + chars(16, HEX) + '_' + chars(40, HEX)],
  ['square_token', p('sq0', 'atp-') + chars(22)],
  ['teams_webhook_url', p('https://acme.webhook.office.com/', 'webhookb2/') + chars(8, HEX) + '-' + chars(4, HEX) + '@' + chars(8, HEX) + '/IncomingWebhook/' + chars(32, HEX) + '/' + chars(8, HEX)],
  ['terraform_cloud_token', chars(14, LOWER + DIGITS) + p('.atlas', 'v1.') + chars(67)],
  ['twitter_bearer_token', 'A'.repeat(21) + chars(80)],
  ['typeform_token', p('tf', 'p_') + chars(59)],
  ['yandex_credential', p('AQ', 'VN') + chars(36)],
  ['telegram_bot_token', chars(9, DIGITS) + p(':A', 'A') + chars(33)],
];

describe('vendor token detectors', () => {
  it.each(tokens)('masks a %s token and names it', (type, token) => {
    const text = `config: ${token}\n`;

    const { masked, findings } = ins.maskText(text);

    expect(findings.map((f) => f.type)).toContain(type);
    expect(masked).not.toContain(token.slice(-12));
  });

  // Webhook URLs match after any host prefix by design; the others must start a token.
  it.each(tokens.filter(([type]) => !['twitter_bearer_token', 'telegram_bot_token', 'teams_webhook_url', 'discord_webhook_url', 'terraform_cloud_token'].includes(type)))(
    'leaves a %s look-alike inside a longer word unchanged',
    (_type, token) => {
      expect(ins.maskText(`prefix${token}`).findings.filter((f) => f.type !== 'generic_secret')).toEqual([]);
    },
  );

  it.each(tokens.filter(([type]) => !['age_secret_key', 'twitter_bearer_token'].includes(type)))('leaves a %s stand-in made of x characters unchanged', (_type, token) => {
    const prefixLength = token.search(/[_\-.~]/) + 1 || 4;
    const standIn = token.slice(0, prefixLength) + token.slice(prefixLength).replace(/[A-Za-z0-9]/g, 'x');

    expect(ins.maskText(standIn).findings).toEqual([]);
  });
});
