import type { RiskReason } from '../../inspect/types';
import type { ReviewConversation, TriggerExcerpt } from '../../store/approval-types';

/**
 * What the decision page shows of a held prompt, computed from the MASKED body when it is held.
 *
 * The risk rules report which signal fired, not where (lambdas/inspect is another module's, and
 * pure). So the place is found again here: each signal id maps to a locator, a regular expression
 * searched in the masked messages. Locators follow the rules' own patterns loosely (they only
 * have to find the spot, not decide); a masked finding is found by its marker (`[REDACTED:type]`)
 * or reversible placeholder (`<EMAIL_1>`); a policy keyword by the keyword its message names.
 * Signals about the prompt as a whole (length, bulk records) have no excerpt.
 */
const CONTEXT_CHARS = 160;
const EXCERPTS_PER_REASON = 2;
const LATEST_MAX = 20_000;
const TOOL_CALL_MAX = 4_000;
const EARLIER_MAX = 30_000;

const LOCATORS: Record<string, RegExp> = {
  'dangerous_command.drop_database': /\bdrop\s+(?:database|schema)\b/i,
  'dangerous_command.drop_table': /\bdrop\s+table\b/i,
  'dangerous_command.truncate_table': /\btruncate\s+table\b/i,
  'dangerous_command.delete_without_where': /\bdelete\s+from\s+\S+/i,
  'dangerous_command.rm_rf_root': /\brm\s+(?:-\S+\s+)+\S+/,
  'dangerous_command.kubectl_delete_production': /\bkubectl\b[^\n]{0,200}\bdelete\b[^\n]{0,120}/i,
  'dangerous_command.terraform_destroy': /\b(?:terraform|tofu|terragrunt)\s+(?:destroy\b|apply\b[^\n]{0,200}\s-destroy\b)\S*(?:\s+-\S+)*/i,
  'dangerous_command.iam_change': /\baws\s+iam\s+[\w-]+|\bgcloud\b[^\n]{0,120}-iam-policy\S*|\baz\s+role\s+\w+\s+\w+|"Action"\s*:\s*"\*"/i,
  'dangerous_command.disk_wipe': /\bmkfs(?:\.\w+)?\s+\/dev\/\S+|\bdd\s+[^\n]{0,120}\bof=\/dev\/\S+/i,
  'prompt_injection.ignore_instructions': /\b(?:ignore|disregard|forget|skip|bypass)\b[^\n]{0,80}?\b(?:instructions|prompt|rules|guidelines)\b/i,
  'prompt_injection.reveal_system_prompt': /\b(?:system prompt|developer message|instructions)\b/i,
  'prompt_injection.role_override': /\b(?:you are now|do anything now|developer mode|jailbreak|act as|pretend)\b[^\n]{0,60}/i,
  'prompt_injection.override_safety': /\b(?:override|disable|turn off|circumvent|bypass)\b[^\n]{0,80}/i,
  'prompt_injection.fake_system_turn': /<\|im_start\|>\s*system|\[\/?inst\]|^\s*system\s*:/im,
};

interface MessageText {
  where: string;
  text: string;
}

export function triggerExcerpts(maskedBody: unknown, reasons: readonly RiskReason[]): TriggerExcerpt[] {
  const texts = messageTexts(maskedBody);
  const out: TriggerExcerpt[] = [];
  for (const reason of reasons) {
    const locator = locatorFor(reason);
    if (!locator) continue;
    let found = 0;
    for (const { where, text } of texts) {
      const global = new RegExp(locator.source, locator.flags.includes('g') ? locator.flags : `${locator.flags}g`);
      for (let m = global.exec(text); m !== null && found < EXCERPTS_PER_REASON; m = global.exec(text)) {
        if (m[0].length === 0) {
          global.lastIndex++;
          continue;
        }
        out.push({ reasonId: reason.id, where, ...around(text, m.index, m.index + m[0].length) });
        found++;
      }
      if (found >= EXCERPTS_PER_REASON) break;
    }
  }
  return out;
}

export function reviewConversation(maskedBody: unknown): ReviewConversation {
  const messages = messageList(maskedBody);
  let latest = -1;
  for (let i = messages.length - 1; i >= 0 && latest < 0; i--) if (messages[i]!.role === 'user') latest = i;
  const toolCalls = messages.flatMap((m) => m.toolCalls);
  let truncated = false;
  const cap = (s: string, max: number) => {
    if (s.length <= max) return s;
    truncated = true;
    return `${s.slice(0, max)}\n… (${s.length - max} more characters in the full transcript)`;
  };
  const earlier = messages
    .filter((_, i) => i !== latest)
    .map((m) => `${m.role}: ${m.text}`)
    .join('\n\n');
  return {
    latestUser: cap(latest >= 0 ? messages[latest]!.text : '', LATEST_MAX),
    toolCalls: toolCalls.map((c) => cap(c, TOOL_CALL_MAX)),
    earlier: cap(earlier, EARLIER_MAX),
    truncated,
  };
}

function locatorFor(reason: RiskReason): RegExp | undefined {
  const known = LOCATORS[reason.id];
  if (known) return known;
  const finding = /^(?:secret|pii|custom)\.(.+)$/.exec(reason.id);
  if (finding) {
    const type = escapeRegExp(finding[1]!);
    return new RegExp(`\\[REDACTED:${type}\\]|<${type.toUpperCase()}_\\d+>`);
  }
  const keyword = reason.id.startsWith('keyword.') ? /"([^"]+)"/.exec(reason.message)?.[1] : undefined;
  if (keyword) return new RegExp(`(?<![\\p{L}\\p{N}_])${escapeRegExp(keyword.trim()).replace(/\s+/g, '\\s+')}(?![\\p{L}\\p{N}_])`, 'iu');
  return undefined;
}

function around(text: string, start: number, end: number): Pick<TriggerExcerpt, 'before' | 'match' | 'after'> {
  // Cut the context at word boundaries (within a few characters), so the excerpt starts and ends on whole words.
  let from = Math.max(0, start - CONTEXT_CHARS);
  const space = from > 0 ? text.slice(from, start).search(/\s/) : -1;
  if (space >= 0 && space < 20) from += space + 1;
  let to = Math.min(text.length, end + CONTEXT_CHARS);
  const lastSpace = to < text.length ? text.slice(end, to).search(/\s\S*$/) : -1;
  if (lastSpace >= 0 && to - (end + lastSpace) < 20) to = end + lastSpace;
  return {
    before: `${from > 0 ? '…' : ''}${text.slice(from, start)}`,
    match: text.slice(start, end),
    after: `${text.slice(end, to)}${to < text.length ? '…' : ''}`,
  };
}

interface MessageView {
  role: string;
  text: string;
  toolCalls: string[];
}

/** OpenAI chat messages and Anthropic messages (with a top-level `system`), as role, text and tool calls. */
function messageList(maskedBody: unknown): MessageView[] {
  const body = (maskedBody ?? {}) as { system?: unknown; messages?: unknown };
  const out: MessageView[] = [];
  if (body.system !== undefined) out.push({ role: 'system', text: textOf(body.system), toolCalls: [] });
  for (const m of Array.isArray(body.messages) ? body.messages : []) {
    const message = (m ?? {}) as { role?: unknown; content?: unknown; tool_calls?: unknown };
    const toolCalls: string[] = [];
    if (Array.isArray(message.tool_calls)) {
      for (const call of message.tool_calls as Array<{ function?: { name?: unknown; arguments?: unknown } }>) {
        toolCalls.push(`${String(call.function?.name ?? '?')}(${typeof call.function?.arguments === 'string' ? call.function.arguments : ''})`);
      }
    }
    if (Array.isArray(message.content)) {
      for (const part of message.content as Array<{ type?: unknown; name?: unknown; input?: unknown }>) {
        if (part?.type === 'tool_use') toolCalls.push(`${String(part.name ?? '?')}(${JSON.stringify(part.input ?? {})})`);
      }
    }
    out.push({ role: typeof message.role === 'string' ? message.role : 'message', text: textOf(message.content), toolCalls });
  }
  return out;
}

function messageTexts(maskedBody: unknown): MessageText[] {
  const messages = messageList(maskedBody);
  const n = messages.length;
  return messages.flatMap((m, i) => {
    const where = `${m.role} (message ${i + 1} of ${n})`;
    return [{ where, text: m.text }, ...m.toolCalls.map((call) => ({ where: `tool call in ${where}`, text: call }))];
  });
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => {
      const p = (part ?? {}) as { type?: unknown; text?: unknown; content?: unknown };
      if (typeof p.text === 'string') return p.text;
      if (p.type === 'tool_result') return `[tool result] ${textOf(p.content)}`;
      return p.type === 'tool_use' ? '' : `[${String(p.type ?? 'part')}]`;
    })
    .filter(Boolean)
    .join('\n');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
