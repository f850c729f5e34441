import { matchingRegexes } from '../any-match';
import { mentionsAny, readingRule, type RiskRule, type RiskSignal, type RiskWord } from '../rule';

/** Phrasings that try to override the model's instructions, directly or through tool results. */
const PATTERNS: Array<{ id: string; label: string; words: RiskWord[]; regex: RegExp }> = [
  {
    id: 'ignore_instructions',
    words: ['ignore', 'disregard', 'forget', 'skip', 'bypass'],
    label: 'asks to ignore previous instructions',
    regex: /\b(?:ignore|disregard|forget|skip|bypass)\s+(?:all\s+|any\s+|the\s+|your\s+|of\s+|everything\s+)*(?:previous|prior|above|earlier|preceding|foregoing|original|system|existing|initial)\s+(?:instructions?|prompts?|rules|directions|guidelines|messages|context|constraints)\b/i,
  },
  {
    id: 'reveal_system_prompt',
    words: ['system prompt', 'instructions', 'prompt', 'developer message'],
    label: 'asks to reveal the system prompt',
    regex: /\b(?:reveal|print|show|repeat|output|leak|display|dump|tell me)\s+(?:me\s+)?(?:your|the)\s+(?:full\s+|entire\s+|exact\s+)?(?:system\s+prompt|hidden\s+(?:instructions|prompt)|initial\s+(?:instructions|prompt)|developer\s+message)\b/i,
  },
  {
    id: 'role_override',
    words: ['you are now', 'do anything now', 'developer mode', 'jailbreak', 'act as', 'pretend'],
    label: 'tries to switch the model into an unrestricted persona',
    regex: /\b(?:you\s+are\s+now\s+(?:DAN|in\s+developer\s+mode|unrestricted|jailbroken|uncensored|free\s+of)|do\s+anything\s+now|developer\s+mode\s+(?:enabled|on)|jailbreak(?:ed)?\s+mode|act\s+as\s+(?:an?\s+)?(?:unfiltered|unrestricted|uncensored)|pretend\s+(?:that\s+)?you\s+(?:have\s+no|are\s+not\s+bound\s+by|don'?t\s+have)\s+(?:restrictions|rules|filters|guidelines|limits))/i,
  },
  {
    id: 'override_safety',
    words: ['override', 'disable', 'turn off', 'circumvent'],
    label: 'asks to override safety rules',
    regex: /\b(?:override|disable|turn\s+off|circumvent)\s+(?:your|the|all)\s+(?:safety|content|system|security)\s+(?:guidelines|policy|policies|rules|instructions|filters|restrictions)\b/i,
  },
  {
    id: 'fake_system_turn',
    words: ['im_start', '[inst]', '[/inst]', 'system', 'instructions'],
    label: 'embeds a fake system or instruction turn',
    regex: /<\|im_start\|>\s*system|\[\/?INST\]|^#{2,3}\s*(?:system|new instructions)\s*:|\bnew\s+instructions\s*:/im,
  },
];


export const promptInjectionRule: RiskRule = readingRule({
  id: 'prompt_injection',
  signals: PATTERNS.map((p) => `prompt_injection.${p.id}`),
  reader() {
    const hits = new Map<string, { label: string; where: string }>();
    return {
      read(t) {
        if (t.kind === 'tool_definition') return;
        const candidates = PATTERNS.filter((p) => !hits.has(p.id) && mentionsAny(t, p.words));
        const matching = matchingRegexes(t.text, candidates.map((p) => p.regex));
        for (const p of candidates) if (matching.has(p.regex)) hits.set(p.id, { label: p.label, where: t.kind === 'tool_result' ? 'a tool result' : 'the prompt' });
      },
      signals() {
        const signals: RiskSignal[] = [];
        let first = true;
        for (const p of PATTERNS) {
          const hit = hits.get(p.id);
          if (!hit) continue;
          signals.push({ id: `prompt_injection.${p.id}`, points: first ? 50 : 5, message: `possible prompt injection: ${hit.where} ${hit.label}` });
          first = false;
        }
        return signals;
      },
    };
  },
});
