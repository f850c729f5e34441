import type { TranscriptEvent } from '../../store/types';

/**
 * The answer text a caller saw, put back together from a recorded stream: OpenAI
 * `chat.completion.chunk` deltas and Anthropic `content_block_delta` text. Undefined when the
 * events hold no text (tool calls only, or an unknown format).
 */
export function streamedText(events: readonly TranscriptEvent[] | undefined): string | undefined {
  if (!events?.length) return undefined;
  let text = '';
  let found = false;
  for (const event of events) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(event.data);
    } catch {
      continue;
    }
    const piece = openAiDeltaText(parsed) ?? anthropicDeltaText(parsed);
    if (piece !== undefined) {
      text += piece;
      found = true;
    }
  }
  return found ? text : undefined;
}

function openAiDeltaText(event: unknown): string | undefined {
  const choices = (event as { choices?: unknown } | null)?.choices;
  if (!Array.isArray(choices)) return undefined;
  const content = (choices[0] as { delta?: { content?: unknown } } | undefined)?.delta?.content;
  return typeof content === 'string' ? content : undefined;
}

function anthropicDeltaText(event: unknown): string | undefined {
  const e = event as { type?: unknown; delta?: { type?: unknown; text?: unknown } } | null;
  return e?.type === 'content_block_delta' && e.delta?.type === 'text_delta' && typeof e.delta.text === 'string' ? e.delta.text : undefined;
}
