import type { ChatFormat } from '../../inspect/types';
import { AirlockError } from '../../shared/errors';
import type { ApprovalRequest } from '../../store/approval-types';
import type { TranscriptStore } from '../../store/types';

/**
 * The masked answer of a completed approval, read from its transcript. The transcript's SHA-256
 * must match the one recorded when it was written: a rewritten object is never served.
 */
export async function approvedAnswer(transcripts: TranscriptStore, approval: ApprovalRequest): Promise<Record<string, unknown>> {
  const result = approval.result;
  const stored = result ? await transcripts.get(result.transcriptKey) : undefined;
  if (!result || !stored || stored.sha256 !== result.transcriptSha256 || !isObject(stored.transcript.response)) {
    throw new AirlockError('record_integrity', 'The approved answer could not be read back intact, so it is not served.');
  }
  return stored.transcript.response;
}

/** A stored answer as the stream events a streaming caller of that format expects. */
export function answerAsEvents(format: ChatFormat, answer: Record<string, unknown>): unknown[] {
  return format === 'anthropic' ? messageAsEvents(answer) : completionAsChunks(answer);
}

/** A stored chat completion as the chunks a streaming caller expects (one content delta per choice). */
export function completionAsChunks(completion: Record<string, unknown>): unknown[] {
  const base = {
    id: completion.id,
    object: 'chat.completion.chunk',
    created: completion.created,
    model: completion.model,
    ...(completion.system_fingerprint ? { system_fingerprint: completion.system_fingerprint } : {}),
  };
  const choices = Array.isArray(completion.choices) ? (completion.choices as Array<Record<string, unknown>>) : [];
  const chunks: unknown[] = [];
  for (const [i, choice] of choices.entries()) {
    const message = (choice.message ?? {}) as Record<string, unknown>;
    const delta: Record<string, unknown> = { role: message.role ?? 'assistant', content: message.content ?? null };
    if (Array.isArray(message.tool_calls)) delta.tool_calls = message.tool_calls.map((call, index) => ({ index, ...(call as object) }));
    if (message.refusal) delta.refusal = message.refusal;
    chunks.push({ ...base, choices: [{ index: choice.index ?? i, delta, finish_reason: null }] });
    chunks.push({ ...base, choices: [{ index: choice.index ?? i, delta: {}, finish_reason: choice.finish_reason ?? 'stop' }] });
  }
  if (completion.usage) chunks.push({ ...base, choices: [], usage: completion.usage });
  return chunks;
}

/** A stored Anthropic message as its stream events: message_start, one block each, message_delta, message_stop. */
export function messageAsEvents(message: Record<string, unknown>): unknown[] {
  const blocks = Array.isArray(message.content) ? (message.content as Array<Record<string, unknown>>) : [];
  const usage = (message.usage ?? {}) as Record<string, unknown>;
  const events: unknown[] = [
    { type: 'message_start', message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 0 } } },
  ];
  for (const [index, block] of blocks.entries()) {
    if (block.type === 'text') {
      events.push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      events.push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: block.text ?? '' } });
    } else if (block.type === 'tool_use') {
      events.push({ type: 'content_block_start', index, content_block: { ...block, input: {} } });
      events.push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input ?? {}) } });
    } else {
      events.push({ type: 'content_block_start', index, content_block: block });
    }
    events.push({ type: 'content_block_stop', index });
  }
  events.push({
    type: 'message_delta',
    delta: { stop_reason: message.stop_reason ?? 'end_turn', stop_sequence: message.stop_sequence ?? null },
    usage: { output_tokens: usage.output_tokens ?? 0 },
  });
  events.push({ type: 'message_stop' });
  return events;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}
