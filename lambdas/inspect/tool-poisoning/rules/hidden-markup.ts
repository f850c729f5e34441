import { firstMatches, quote, type ToolPoisoningRule } from '../rule';

/**
 * Markup that hides instructions from a human reading the tool list but not from the model:
 * `<IMPORTANT>`-style tags, HTML comments, fake system or instruction turns.
 */
const HIDDEN =
  /<\s*\/?\s*(?:important|system|instructions?|secret|hidden|admin|critical|note\s+to\s+(?:the\s+)?(?:ai|assistant|model))\s*>|<!--[\s\S]*?(?:-->|$)|<\|im_start\|>|\[\/?inst\]|<<\s*sys\s*>>/;

export const hiddenMarkupRule: ToolPoisoningRule = {
  id: 'tool_poisoning.hidden_markup',
  evaluate: (texts) =>
    firstMatches(texts, HIDDEN, (t, m) => ({
      id: 'tool_poisoning.hidden_markup',
      points: 60,
      message: `${t.where} holds hidden instruction markup: ${quote(m)}`,
    })),
};
