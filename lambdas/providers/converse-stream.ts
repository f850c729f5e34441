import type { ChatFormat } from '../inspect/types';
import { anthropicStopReason, openaiFinishReason, openaiUsage } from './converse-translate';

type Json = Record<string, unknown>;

/**
 * ConverseStream events as the stream events of the caller's format: OpenAI `chat.completion.chunk`s
 * or Anthropic `message_start` … `message_stop`. Pure and incremental: `push` takes one Converse
 * event and returns the events to send (the gateway masks them like any upstream's).
 */
export interface ConverseStreamTranslator {
  push(event: Json): Json[];
  /** What is still owed when the upstream stream ended (an Anthropic caller's closing events). */
  end(): Json[];
}

export function converseStreamTranslator(format: ChatFormat, model: string, id: string, created: number): ConverseStreamTranslator {
  return format === 'anthropic' ? anthropicEvents(model, id) : openaiChunks(model, id, created);
}

function openaiChunks(model: string, id: string, created: number): ConverseStreamTranslator {
  const base = { id: `chatcmpl-${id}`, object: 'chat.completion.chunk', created, model };
  const chunk = (delta: Json, finish: string | null = null): Json => ({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
  // OpenAI numbers tool calls 0, 1, …; Converse numbers every content block.
  const toolIndex = new Map<number, number>();
  return {
    push(event) {
      if (event.messageStart) return [chunk({ role: 'assistant', content: '' })];
      const start = event.contentBlockStart as { contentBlockIndex?: number; start?: { toolUse?: { toolUseId?: string; name?: string } } } | undefined;
      if (start?.start?.toolUse) {
        const index = toolIndex.size;
        toolIndex.set(start.contentBlockIndex ?? 0, index);
        return [chunk({ tool_calls: [{ index, id: start.start.toolUse.toolUseId, type: 'function', function: { name: start.start.toolUse.name, arguments: '' } }] })];
      }
      const delta = event.contentBlockDelta as { contentBlockIndex?: number; delta?: { text?: string; toolUse?: { input?: string } } } | undefined;
      if (typeof delta?.delta?.text === 'string') return [chunk({ content: delta.delta.text })];
      if (delta?.delta?.toolUse) {
        return [chunk({ tool_calls: [{ index: toolIndex.get(delta.contentBlockIndex ?? 0) ?? 0, function: { arguments: delta.delta.toolUse.input ?? '' } }] })];
      }
      const stop = event.messageStop as { stopReason?: string } | undefined;
      if (stop) return [chunk({}, openaiFinishReason(stop.stopReason ?? 'end_turn'))];
      const metadata = event.metadata as { usage?: Json } | undefined;
      if (metadata?.usage) return [{ ...base, choices: [], usage: openaiUsage(metadata.usage) }];
      return [];
    },
    end: () => [],
  };
}

function anthropicEvents(model: string, id: string): ConverseStreamTranslator {
  const open = new Set<number>();
  let stopReason: string | undefined;
  let finished = false;
  const finish = (usage?: Json): Json[] => {
    if (finished || stopReason === undefined) return [];
    finished = true;
    return [
      { type: 'message_delta', delta: { stop_reason: anthropicStopReason(stopReason), stop_sequence: null }, usage: { ...(typeof usage?.inputTokens === 'number' ? { input_tokens: usage.inputTokens } : {}), output_tokens: (usage?.outputTokens as number | undefined) ?? 0 } },
      { type: 'message_stop' },
    ];
  };
  return {
    push(event) {
      if (event.messageStart) {
        return [{ type: 'message_start', message: { id: `msg_${id}`, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 0, output_tokens: 0 } } }];
      }
      const start = event.contentBlockStart as { contentBlockIndex?: number; start?: { toolUse?: { toolUseId?: string; name?: string } } } | undefined;
      if (start) {
        const index = start.contentBlockIndex ?? 0;
        open.add(index);
        const use = start.start?.toolUse;
        return [{ type: 'content_block_start', index, content_block: use ? { type: 'tool_use', id: use.toolUseId, name: use.name, input: {} } : { type: 'text', text: '' } }];
      }
      const delta = event.contentBlockDelta as { contentBlockIndex?: number; delta?: { text?: string; toolUse?: { input?: string } } } | undefined;
      if (delta) {
        const index = delta.contentBlockIndex ?? 0;
        // Converse starts text blocks with their first delta; Anthropic callers expect a start event.
        const opened: Json[] = open.has(index) ? [] : [{ type: 'content_block_start', index, content_block: { type: 'text', text: '' } }];
        open.add(index);
        if (typeof delta.delta?.text === 'string') return [...opened, { type: 'content_block_delta', index, delta: { type: 'text_delta', text: delta.delta.text } }];
        if (delta.delta?.toolUse) return [...opened, { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: delta.delta.toolUse.input ?? '' } }];
        return opened;
      }
      const stop = event.contentBlockStop as { contentBlockIndex?: number } | undefined;
      if (stop) return [{ type: 'content_block_stop', index: stop.contentBlockIndex ?? 0 }];
      const messageStop = event.messageStop as { stopReason?: string } | undefined;
      if (messageStop) {
        stopReason = messageStop.stopReason ?? 'end_turn';
        return [];
      }
      // Usage comes after messageStop in Converse, before message_stop in Anthropic's stream.
      const metadata = event.metadata as { usage?: Json } | undefined;
      if (metadata) return finish(metadata.usage);
      return [];
    },
    end: () => finish(),
  };
}
