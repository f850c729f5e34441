import fc from 'fast-check';
import { matchingRegexes } from '../../../lambdas/inspect/risk/any-match';

// Shapes the risk rules use: a shared leading \b, \b inside a top-level alternation, lookarounds,
// anchors with and without the m flag, case-sensitive next to case-insensitive, Unicode classes.
const regexes = [
  /\b(?:ignore|skip)\s+(?:all\s+)*previous\s+rules\b/i,
  /\bdrop\s+table\b/i,
  /\bdrop\s+(?:database|schema)\b/i,
  /\baws\s+iam\s+attach-[\w-]+|\baz\s+role\b|"Action"\s*:\s*"\*"/i,
  /\brm\s+-rf\s+\/(?=\s|$)/,
  /^#{2,3}\s*system\s*:|\[\/?INST\]/im,
  /^drop/i,
  /table$/,
  /(?<![\p{L}\p{N}_])customer\s+list(?![\p{L}\p{N}_])/iu,
  /(?<![\p{L}\p{N}_])customer\s+list(?![\p{L}\p{N}_])/iu,
];

const fragment = fc.constantFrom(
  'ignore', 'IGNORE all ', 'skip ', 'previous rules', ' rules', 'drop', 'DROP ', ' table', 'tablespace', ' database', 'x',
  'aws iam attach-user-policy', 'az role', '"Action": "*"', 'rm -rf /', 'rm -rf /tmp', '## system:', '[INST]', '[/inst]',
  'customer list', 'Customer  List', 'écustomer list', '\n', ' ', '  ', '_', 'é',
);
const text = fc.array(fragment, { maxLength: 14 }).map((parts) => parts.join(''));

describe('matching several regexes in one search', () => {
  const agrees = (t: string, subset: RegExp[]) =>
    expect([...matchingRegexes(t, subset)].sort((a, b) => subset.indexOf(a) - subset.indexOf(b))).toEqual(subset.filter((r) => r.test(t)));

  it('finds exactly the regexes that test true on the text, any subset of them', () => {
    fc.assert(fc.property(text, fc.subarray(regexes), agrees), { numRuns: 3000 });
  });

  it('finds them in one search on a long text (64 KB and more) as well', () => {
    const filler = 'nothing of note on this line\n'.repeat(2300);
    fc.assert(
      fc.property(text, text, fc.subarray(regexes), (head, tail, subset) => agrees(`${head}${filler}${tail}`, subset)),
      { numRuns: 300 },
    );
  });

  const long = (t: string) => `${t}${' '.repeat(1 << 16)}`;

  it('finds two regexes that match at the same position', () => {
    expect(matchingRegexes(long('then DROP TABLE users'), [regexes[1]!, regexes[6]!, regexes[2]!])).toEqual(new Set([regexes[1]]));
    expect(matchingRegexes(long('drop table x'), [regexes[1]!, regexes[6]!])).toEqual(new Set([regexes[1], regexes[6]]));
  });

  it('refuses regexes it cannot join: backreferences and named groups', () => {
    expect(() => matchingRegexes(long('aa'), [/(a)\1/, /b/])).toThrow('backreferences or named groups');
    expect(() => matchingRegexes(long('aa'), [/(?<x>a)/, /b/])).toThrow('backreferences or named groups');
  });
});
