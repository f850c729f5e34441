/**
 * The masked prompt as an approver reads it: one `role: text` block per message, tool calls
 * named, truncated to `maxChars`. Only ever fed the masked body.
 */
export function promptExcerpt(maskedBody: unknown, maxChars = 4000): string {
  const messages = ((maskedBody as { messages?: unknown } | null)?.messages ?? []) as unknown[];
  const blocks: string[] = [];
  for (const m of Array.isArray(messages) ? messages : []) {
    const message = (m ?? {}) as { role?: unknown; content?: unknown; tool_calls?: unknown };
    const role = typeof message.role === 'string' ? message.role : 'message';
    const parts = [textOf(message.content)];
    if (Array.isArray(message.tool_calls)) {
      for (const call of message.tool_calls as Array<{ function?: { name?: unknown; arguments?: unknown } }>) {
        parts.push(`[tool call ${String(call.function?.name ?? '?')}] ${typeof call.function?.arguments === 'string' ? call.function.arguments : ''}`);
      }
    }
    blocks.push(`${role}: ${parts.filter(Boolean).join('\n')}`);
  }
  const text = blocks.join('\n\n');
  return text.length > maxChars ? `${text.slice(0, maxChars)}\n… (${text.length - maxChars} more characters)` : text;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => {
      const p = (part ?? {}) as { type?: unknown; text?: unknown };
      return typeof p.text === 'string' ? p.text : `[${String(p.type ?? 'part')}]`;
    })
    .join('\n');
}
