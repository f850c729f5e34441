import fc from 'fast-check';
import { anchorAutomaton, automatonAccepts, type AnchorSpec } from '../../../lambdas/inspect/engine/anchor-automaton';

/** Every (anchor, start) pair, found the slow and obvious way. */
function naive(anchors: readonly AnchorSpec[], text: string, from: number): string[] {
  const hits: string[] = [];
  anchors.forEach((a, index) => {
    const haystack = a.ignoreCase ? text.toLowerCase() : text;
    const needle = a.ignoreCase ? a.text.toLowerCase() : a.text;
    for (let at = from; at + needle.length <= text.length; at++) {
      if (haystack.startsWith(needle, at)) hits.push(`${index}@${at}`);
    }
  });
  return hits.sort();
}

function found(anchors: readonly AnchorSpec[], text: string, from = 0): string[] {
  const hits: string[] = [];
  anchorAutomaton(anchors).scan(text, from, text.length, (anchor, at) => hits.push(`${anchor}@${at}`));
  return hits.sort();
}

// A small alphabet, so anchors overlap, share prefixes and suffixes, and occur often.
const letter = fc.constantFrom('a', 'b', 'A', 'B', '_', '-', ':', '/');
const anchor = fc.record({ text: fc.string({ unit: letter, minLength: 1, maxLength: 5 }), ignoreCase: fc.boolean() });
const text = fc.string({ unit: fc.oneof(letter, fc.constantFrom('é', 'ß', '\u200b', ' ')), maxLength: 60 });

describe('anchor automaton', () => {
  it('finds every occurrence of every anchor, as a naive search does', () => {
    fc.assert(
      fc.property(fc.array(anchor, { minLength: 1, maxLength: 8 }), text, fc.nat(70), (anchors, t, from) => {
        expect(found(anchors, t, Math.min(from, t.length))).toEqual(naive(anchors, t, Math.min(from, t.length)));
      }),
      { numRuns: 2000 },
    );
  });

  it('folds case only for case-insensitive anchors', () => {
    const anchors = [
      { text: 'AKIA', ignoreCase: false },
      { text: 'token', ignoreCase: true },
    ];
    expect(found(anchors, 'akia AKIA TOKEN Token')).toEqual(['0@5', '1@10', '1@16']);
  });

  it('does not match across a character outside ASCII', () => {
    expect(found([{ text: 'key', ignoreCase: true }], 'ke\u00e9y k\u200bey key')).toEqual(['0@10']);
  });

  it('takes only non-empty ASCII anchors', () => {
    expect(automatonAccepts('ghp_')).toBe(true);
    expect(automatonAccepts('')).toBe(false);
    expect(automatonAccepts('Müller')).toBe(false);
    expect(() => anchorAutomaton([{ text: 'Müller', ignoreCase: true }])).toThrow(/not accepted/);
  });
});
