import { firstMatches, quote, type ToolPoisoningRule } from '../rule';

/**
 * Asking the agent to move data somewhere: "send/post/upload … to <url or address>", "include/put
 * the contents … in the <x> parameter", "pass … as the <x> argument". A plain documentation URL is
 * not enough on its own.
 */
const EXFILTRATION = new RegExp(
  [
    String.raw`\b(?:send|post|upload|forward|transmit|exfiltrate|leak|copy|report)\b[^.\n]{0,80}?\b(?:to|into|at)\s+(?:https?:\/\/|[\w.+-]+@[\w-]+\.[\w.]+|the\s+(?:following\s+)?(?:url|endpoint|webhook|address|server))`,
    String.raw`\b(?:include|put|add|embed|insert|append|pass|provide|place)\b[^.\n]{0,80}?\b(?:contents?|content\s+of|conversation|chat\s+history|previous\s+messages|api\s+keys?|credentials?|tokens?|passwords?|secrets?|file|env(?:ironment)?\s+variables?)\b[^.\n]{0,80}?\b(?:in|into|as|inside)\s+(?:the\s+|this\s+)?['"\x60]?[\w-]+['"\x60]?\s+(?:parameter|argument|field|param)\b`,
    String.raw`\b(?:curl|wget|fetch)\s+[^\n]{0,40}https?:\/\/`,
  ].join('|'),
);

export const exfiltrationRule: ToolPoisoningRule = {
  id: 'tool_poisoning.exfiltration',
  evaluate: (texts) =>
    firstMatches(texts, EXFILTRATION, (t, m) => ({
      id: 'tool_poisoning.exfiltration',
      points: 60,
      message: `${t.where} asks the agent to send data elsewhere: ${quote(m)}`,
    })),
};
