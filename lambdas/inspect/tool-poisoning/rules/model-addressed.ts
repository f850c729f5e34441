import { firstMatches, quote, type ToolPoisoningRule } from '../rule';

/**
 * Text addressed to the model rather than describing the tool: "before using this tool, read…",
 * "the assistant must…", "as an AI…". Scored low alone (ordinary descriptions say "you must pass an
 * id" too); with any other signal it tips a tool into quarantine.
 */
const ADDRESSED =
  /\bbefore\s+(?:using|calling|invoking|running)\s+(?:this|any|the)\s+(?:tool|function)\b[^.\n]{0,20}?\b(?:you\s+must|first|always|read|call|run)\b|\b(?:the\s+)?(?:assistant|ai\s+(?:assistant|model|agent)|language\s+model|llm)\s+(?:must|should|needs?\s+to|has\s+to|is\s+required\s+to|will)\b|\bas\s+an\s+ai\b|\b(?:always|first)\s+(?:call|use|run|invoke)\s+(?:this|the)\s+tool\s+(?:before|instead)\b|\binstead\s+of\s+(?:using|calling)\s+(?:the\s+)?[\w.-]+\s+tool\b/;

export const modelAddressedRule: ToolPoisoningRule = {
  id: 'tool_poisoning.model_addressed',
  evaluate: (texts) =>
    firstMatches(texts, ADDRESSED, (t, m) => ({
      id: 'tool_poisoning.model_addressed',
      points: 25,
      message: `${t.where} addresses the model instead of describing the tool: ${quote(m)}`,
    })),
};
