import type { ChatFormat, ChatStreamMasker, Finding } from '../types';

/** One stream masker per text channel (a choice's content, a tool call's arguments, a content block). */
export interface ChannelMasker {
  push(chunk: string): string;
  end(): string;
  readonly findings: readonly Finding[];
}

export type ChannelFactory = (json: boolean) => ChannelMasker;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function createChatStreamMasker(format: ChatFormat, channel: ChannelFactory): ChatStreamMasker {
  return format === 'openai' ? new OpenAIStreamMasker(channel) : new AnthropicStreamMasker(channel);
}

abstract class ChannelSet {
  protected readonly channels = new Map<string, { masker: ChannelMasker; path: string }>();
  constructor(private readonly factory: ChannelFactory) {}

  protected channel(key: string, path: string, json: boolean): ChannelMasker {
    let c = this.channels.get(key);
    if (!c) {
      c = { masker: this.factory(json), path };
      this.channels.set(key, c);
    }
    return c.masker;
  }

  /** Ends a channel and forgets it, so a late event on the same key starts a fresh one; its findings are kept. */
  protected close(key: string): string {
    const c = this.channels.get(key);
    if (!c) return '';
    const text = c.masker.end();
    for (const f of c.masker.findings) this.closedFindings.push({ ...f, path: c.path });
    this.channels.delete(key);
    return text;
  }

  private readonly closedFindings: Finding[] = [];

  get findings(): readonly Finding[] {
    const all: Finding[] = [...this.closedFindings];
    for (const { masker, path } of this.channels.values()) for (const f of masker.findings) all.push({ ...f, path });
    return all;
  }
}

/**
 * OpenAI `chat.completion.chunk` events: `choices[i].delta.content`, `.refusal` and
 * `.tool_calls[j].function.arguments` are masked per choice and tool-call index. When a choice
 * finishes, its held text goes out in an extra chunk just before the one carrying `finish_reason`.
 */
class OpenAIStreamMasker extends ChannelSet implements ChatStreamMasker {
  private template: Obj = {};

  push(event: unknown): unknown[] {
    if (!isObj(event) || !Array.isArray(event.choices)) return [event];
    const { choices: _choices, usage: _usage, ...shell } = event;
    this.template = shell;
    const flushes: Obj[] = [];
    const choices = event.choices.map((choice) => {
      if (!isObj(choice)) return choice;
      const i = typeof choice.index === 'number' ? choice.index : 0;
      const out: Obj = { ...choice };
      if (isObj(choice.delta)) out.delta = this.maskDelta(i, choice.delta);
      if (choice.finish_reason !== null && choice.finish_reason !== undefined) {
        const moved = this.takeText(out.delta);
        const flush = this.flushChoice(i, moved);
        if (flush) flushes.push({ index: i, delta: flush, finish_reason: null });
      }
      return out;
    });
    const masked = { ...event, choices };
    return flushes.length ? [{ ...this.template, choices: flushes }, masked] : [masked];
  }

  end(): unknown[] {
    const flushes: Obj[] = [];
    const indexes = new Set<number>();
    for (const key of this.channels.keys()) indexes.add(Number(key.split(':')[0]));
    for (const i of [...indexes].sort((a, b) => a - b)) {
      const flush = this.flushChoice(i, {});
      if (flush) flushes.push({ index: i, delta: flush, finish_reason: null });
    }
    return flushes.length ? [{ ...this.template, choices: flushes }] : [];
  }

  private maskDelta(i: number, delta: Obj): Obj {
    const out: Obj = { ...delta };
    for (const field of ['content', 'refusal'] as const) {
      if (typeof delta[field] === 'string') out[field] = this.channel(`${i}:${field}`, `choices.${i}.delta.${field}`, false).push(delta[field]);
    }
    if (Array.isArray(delta.tool_calls)) {
      out.tool_calls = delta.tool_calls.map((call, pos) => {
        if (!isObj(call) || !isObj(call.function) || typeof call.function.arguments !== 'string') return call;
        const k = typeof call.index === 'number' ? call.index : pos;
        const masker = this.channel(`${i}:tool:${k}`, `choices.${i}.delta.tool_calls.${k}.function.arguments`, true);
        return { ...call, function: { ...call.function, arguments: masker.push(call.function.arguments) } };
      });
    }
    return out;
  }

  /** Moves the masked text out of a finishing chunk's delta, so it can precede the finish. */
  private takeText(delta: unknown): { content?: string; refusal?: string; tools: Map<number, string> } {
    const moved: { content?: string; refusal?: string; tools: Map<number, string> } = { tools: new Map() };
    if (!isObj(delta)) return moved;
    for (const field of ['content', 'refusal'] as const) {
      if (typeof delta[field] === 'string' && delta[field] !== '') {
        moved[field] = delta[field];
        delta[field] = '';
      }
    }
    if (Array.isArray(delta.tool_calls)) {
      delta.tool_calls.forEach((call, pos) => {
        if (isObj(call) && isObj(call.function) && typeof call.function.arguments === 'string' && call.function.arguments !== '') {
          moved.tools.set(typeof call.index === 'number' ? call.index : pos, call.function.arguments);
          call.function = { ...call.function, arguments: '' };
        }
      });
    }
    return moved;
  }

  private flushChoice(i: number, moved: { content?: string; refusal?: string; tools?: Map<number, string> }): Obj | null {
    const delta: Obj = {};
    for (const field of ['content', 'refusal'] as const) {
      const text = (moved[field] ?? '') + this.close(`${i}:${field}`);
      if (text) delta[field] = text;
    }
    const calls: Obj[] = [];
    const toolIndexes = new Set<number>(moved.tools?.keys() ?? []);
    for (const key of this.channels.keys()) {
      const [choice, kind, k] = key.split(':');
      if (Number(choice) === i && kind === 'tool') toolIndexes.add(Number(k));
    }
    for (const k of [...toolIndexes].sort((a, b) => a - b)) {
      const text = (moved.tools?.get(k) ?? '') + this.close(`${i}:tool:${k}`);
      if (text) calls.push({ index: k, function: { arguments: text } });
    }
    if (calls.length) delta.tool_calls = calls;
    return Object.keys(delta).length ? delta : null;
  }
}

const DELTA_FIELD: Record<string, string> = { text_delta: 'text', input_json_delta: 'partial_json', thinking_delta: 'thinking' };

/**
 * Anthropic Messages stream events: `content_block_delta` text, tool-input JSON and thinking are
 * masked per block index; a block's held text goes out as an extra delta just before its
 * `content_block_stop`.
 */
class AnthropicStreamMasker extends ChannelSet implements ChatStreamMasker {
  private readonly deltaType = new Map<number, string>();

  push(event: unknown): unknown[] {
    if (!isObj(event)) return [event];
    const index = typeof event.index === 'number' ? event.index : 0;
    if (event.type === 'content_block_delta' && isObj(event.delta)) {
      const type = String(event.delta.type);
      const field = DELTA_FIELD[type];
      const value = field ? event.delta[field] : undefined;
      if (!field || typeof value !== 'string') return [event];
      this.deltaType.set(index, type);
      const masker = this.channel(String(index), `content.${index}.${field}`, type === 'input_json_delta');
      return [{ ...event, delta: { ...event.delta, [field]: masker.push(value) } }];
    }
    if (event.type === 'content_block_stop') {
      const flush = this.flushBlock(index);
      return flush ? [flush, event] : [event];
    }
    if (event.type === 'message_stop') return [...this.end(), event];
    return [event];
  }

  end(): unknown[] {
    const out: unknown[] = [];
    for (const key of [...this.channels.keys()].map(Number).sort((a, b) => a - b)) {
      const flush = this.flushBlock(key);
      if (flush) out.push(flush);
    }
    return out;
  }

  private flushBlock(index: number): Obj | null {
    const type = this.deltaType.get(index);
    if (!type || !this.channels.has(String(index))) return null;
    const text = this.close(String(index));
    if (!text) return null;
    return { type: 'content_block_delta', index, delta: { type, [DELTA_FIELD[type]!]: text } };
  }
}
