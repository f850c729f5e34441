import type { ToolPoisoningRule, ToolPoisoningSignal } from '../rule';

/**
 * Characters a reader does not see: zero-width ones, bidi controls (text that reads differently than
 * it runs), Unicode tag characters (ASCII smuggled invisibly). Read on the raw text: the normalised
 * view has already dropped them.
 */
const INVISIBLE = /[\u200b-\u200f\u2060-\u2064\ufeff\u202a-\u202e\u2066-\u2069\u{e0000}-\u{e007f}]/gu;

export const invisibleCharactersRule: ToolPoisoningRule = {
  id: 'tool_poisoning.invisible_characters',
  evaluate(texts) {
    const out: ToolPoisoningSignal[] = [];
    for (const t of texts) {
      const found = t.raw.match(INVISIBLE);
      if (!found) continue;
      const kinds = [...new Set(found.map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`))].slice(0, 5);
      out.push({
        id: 'tool_poisoning.invisible_characters',
        points: 60,
        message: `${t.where} holds ${found.length} invisible character${found.length === 1 ? '' : 's'} (${kinds.join(', ')})`,
      });
      if (out.length >= 3) break;
    }
    return out;
  },
};
