import { firstMatches, quote, type ToolPoisoningRule } from '../rule';

/** "Ignore previous instructions" and its variants: text that tries to replace what the agent was told. */
const OVERRIDE =
  /\b(?:ignore|disregard|forget|override|bypass)\s+(?:all\s+|any\s+|the\s+|your\s+|of\s+|every\s+)*(?:previous|prior|above|earlier|preceding|original|system|existing|other|initial)?\s*(?:instructions?|prompts?|rules|directions|guidelines|guardrails|constraints)\b|\bnew\s+(?:system\s+)?instructions\s*:|\byour\s+(?:real|actual|true)\s+(?:task|instructions|goal)\b|\binstead\s+of\s+(?:what|anything)\s+(?:the\s+)?user\s+(?:asked|said|wants)\b/;

export const overrideInstructionsRule: ToolPoisoningRule = {
  id: 'tool_poisoning.override_instructions',
  evaluate: (texts) =>
    firstMatches(texts, OVERRIDE, (t, m) => ({
      id: 'tool_poisoning.override_instructions',
      points: 80,
      message: `${t.where} tries to override the agent's instructions: ${quote(m)}`,
    })),
};
