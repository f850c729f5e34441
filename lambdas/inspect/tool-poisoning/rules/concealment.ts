import { firstMatches, quote, type ToolPoisoningRule } from '../rule';

/** Keeping the user in the dark: "do not tell the user", "without mentioning it", "silently". */
const CONCEAL =
  /\b(?:do\s+not|don'?t|never|must\s+not|should\s+not)\s+(?:tell|mention|inform|notify|reveal|show|alert|disclose)\b[^.\n]{0,40}?\b(?:user|human|anyone|them)\b|\bwithout\s+(?:telling|informing|notifying|mentioning|alerting|asking)\s+(?:it\s+to\s+)?(?:the\s+)?(?:user|human|anyone)\b|\b(?:the\s+)?user\s+(?:must|should)\s+not\s+(?:know|see|notice|be\s+told)\b|\b(?:silently|secretly|covertly)\s+(?:read|send|call|include|run|execute|upload|copy)\b/;

export const concealmentRule: ToolPoisoningRule = {
  id: 'tool_poisoning.concealment',
  evaluate: (texts) =>
    firstMatches(texts, CONCEAL, (t, m) => ({
      id: 'tool_poisoning.concealment',
      points: 50,
      message: `${t.where} asks the agent to hide what it does from the user: ${quote(m)}`,
    })),
};
