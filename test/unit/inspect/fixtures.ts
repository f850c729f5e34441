import { base62, crc32 } from '../../../lambdas/inspect/detectors/checksum';
import { seededRandom } from '../../support/prng';
import { createInspector, policyFromObject, type GroupPolicy, type Inspector, type PartialGroupPolicy } from '../../../lambdas/inspect';

/**
 * Secret-shaped fixtures are assembled at test time from a seeded generator and split prefixes,
 * so the repository itself holds nothing a secret scanner would flag.
 */
export const rng = seededRandom;

export const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const LOWER = 'abcdefghijklmnopqrstuvwxyz';
export const DIGITS = '0123456789';
export const ALNUM = UPPER + LOWER + DIGITS;
export const HEX = '0123456789abcdef';

const random = rng(20261121);
export function chars(n: number, alphabet = ALNUM, next = random): string {
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[Math.floor(next() * alphabet.length)];
  return out;
}

/** Joins its parts: `p('gh', 'p_')` keeps literal prefixes out of the source. */
export const p = (...parts: string[]): string => parts.join('');

export const fake = {
  awsKeyId: () => p('AK', 'IA') + chars(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'),
  awsSecret: () => chars(40, ALNUM + '+/'),
  githubPat: () => p('gh', 'p_') + chars(36),
  githubWithChecksum: (random30: string) => p('gh', 'p_') + random30 + base62(crc32(random30), 6),
  githubFineGrained: () => p('github', '_pat_') + chars(22) + '_' + chars(59),
  slackBot: () => p('xo', 'xb-') + chars(12, DIGITS) + '-' + chars(13, DIGITS) + '-' + chars(24),
  slackWebhook: () => p('hooks.sl', 'ack.com/services/') + 'T' + chars(8, UPPER + DIGITS) + '/B' + chars(8, UPPER + DIGITS) + '/' + chars(24),
  stripeLive: () => p('sk', '_live_') + chars(24),
  openai: () => p('sk-', 'proj-') + chars(48, ALNUM + '_-') + 'A1',
  anthropic: () => p('sk-', 'ant-api03-') + chars(93, ALNUM + '_-') + 'AA',
  huggingface: () => p('h', 'f_') + chars(17, UPPER) + chars(17, LOWER),
  npm: () => p('np', 'm_') + chars(36),
  pypi: () => p('pypi-', 'AgEIcHlwaS5vcmc') + chars(70, ALNUM + '_-'),
  dockerHub: () => p('dckr', '_pat_') + chars(27, ALNUM + '_-').replace(/^[-_]/, 'a'),
  gitlab: () => p('glp', 'at-') + chars(20, ALNUM),
  gcpApiKey: () => p('AI', 'za') + chars(35, ALNUM + '_-').replace(/[-_]$/, 'z'),
  sendgrid: () => p('S', 'G.') + chars(22, ALNUM) + '.' + chars(43, ALNUM),
  twilio: () => p('S', 'K') + chars(32, HEX),
  shopify: () => p('shp', 'at_') + chars(32, HEX),
  digitalocean: () => p('dop', '_v1_') + chars(64, HEX),
  vault: () => p('hv', 's.') + chars(90, ALNUM + '_-').replace(/[-_]$/, 'q'),
  jwt: () => p('ey', 'J') + chars(30, ALNUM + '_-') + '.' + p('ey', 'J') + chars(60, ALNUM + '_-') + '.' + chars(43, ALNUM + '_-'),
  pemKey: () => [p('-----BEGIN RSA ', 'PRIVATE KEY-----'), ...Array.from({ length: 6 }, () => chars(64, ALNUM + '+/')), p('-----END RSA ', 'PRIVATE KEY-----')].join('\n'),
  azureAdSecret: () => chars(3, ALNUM) + '8' + p('Q', '~') + chars(34, ALNUM + '_~.-').replace(/[-_~.]$/, 'x'),
};

/** A Luhn-valid card number for a prefix and length. */
export function cardNumber(prefix: string, length: number, next = random): string {
  let digits = prefix;
  while (digits.length < length - 1) digits += String(Math.floor(next() * 10));
  for (let check = 0; check < 10; check++) {
    const candidate = digits + check;
    let sum = 0;
    for (let i = 0; i < candidate.length; i++) {
      let d = Number(candidate[candidate.length - 1 - i]);
      if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
    if (sum % 10 === 0) return candidate;
  }
  throw new Error('unreachable');
}

export function policy(defaults: PartialGroupPolicy = {}): GroupPolicy {
  return policyFromObject({ version: 1, access: { groups: ['llm-users'] }, defaults }).defaults;
}

export function inspector(defaults: PartialGroupPolicy = {}): Inspector {
  return createInspector(policy(defaults));
}

/** Masks through the stream masker, one chunk per entry. */
export function streamMask(ins: Inspector, chunks: readonly string[]): string {
  const m = ins.streamMasker();
  return chunks.map((c) => m.push(c)).join('') + m.end();
}
