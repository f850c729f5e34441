import type { ChatStreamMasker, Finding, JsonPath, StreamFormat } from '../types';
import { dottedPath } from './walk';
import { isEnumValue, JSON_TEXT_FIELDS, STRUCTURAL_FIELDS } from './skip-list';

/** One masker per incremental text channel (a choice's content, a tool call's arguments, a block's text). */
export interface ChannelMasker {
  push(chunk: string): string;
  end(): string;
  readonly findings: readonly Finding[];
}

export interface StreamParts {
  channel(json: boolean): ChannelMasker;
  /** Masks a whole value (a snapshot: sent complete in one event, never appended to). */
  snapshot(value: unknown, path: JsonPath): { value: unknown; findings: Finding[] };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A step of a channel's path inside a delta: a key, or an array item with what identifies it. */
type Step = string | { position: number; item: Obj };

interface Channel {
  masker: ChannelMasker;
  /** Dotted path of the field in the stream, for findings. */
  path: string;
  steps: Step[];
  /** Anthropic: the delta type the channel's text goes back out in. */
  deltaType?: string;
  /** Responses: the channel's last delta event without its delta, the shape held text goes back out in. */
  shell?: Obj;
}

export function createJsonStreamMasker(format: StreamFormat, parts: StreamParts): ChatStreamMasker {
  if (format === 'openai-responses') return new ResponsesStreamMasker(parts);
  return format === 'openai' ? new OpenAIStreamMasker(parts) : new AnthropicStreamMasker(parts);
}

abstract class Channels {
  protected readonly open = new Map<string, Channel>();
  private readonly settled: Finding[] = [];

  constructor(protected readonly parts: StreamParts) {}

  protected channel(key: string, make: () => Omit<Channel, 'masker'>, json: boolean): Channel {
    let c = this.open.get(key);
    if (!c) {
      c = { ...make(), masker: this.parts.channel(json) };
      this.open.set(key, c);
    }
    return c;
  }

  /** Ends a channel and forgets it (a late event on the same key starts a fresh one); its findings are kept. */
  protected close(key: string): string {
    const c = this.open.get(key);
    if (!c) return '';
    const text = c.masker.end();
    for (const f of c.masker.findings) this.settled.push({ ...f, path: c.path });
    this.open.delete(key);
    return text;
  }

  protected snapshot(value: unknown, path: JsonPath): unknown {
    const r = this.parts.snapshot(value, path);
    for (const f of r.findings) this.settled.push(f);
    return r.value;
  }

  get findings(): readonly Finding[] {
    const all = [...this.settled];
    for (const c of this.open.values()) for (const f of c.masker.findings) all.push({ ...f, path: c.path });
    return all;
  }
}

/** Fields of a delta that are sent whole once (ids, a tool's name), not appended to: masked as snapshots. */
const SENT_ONCE = new Set(['id', 'name', 'call_id', 'tool_call_id']);

/**
 * OpenAI `chat.completion.chunk` events. Everything under `choices[i].delta` is incremental
 * (clients append it): each string leaf is a channel keyed by choice index and path, array items
 * keyed by their `index` field when they have one. A choice's held text goes out in an extra chunk
 * just before the one carrying its `finish_reason`. The rest of a chunk (logprobs, usage, an
 * `error` object) is a snapshot, masked whole per event.
 */
class OpenAIStreamMasker extends Channels implements ChatStreamMasker {
  private template: Obj = {};

  push(event: unknown): unknown[] {
    if (!isObj(event) || !Array.isArray(event.choices)) return [this.snapshot(event, [])];
    const { choices, ...rest } = event;
    const shell = this.snapshot(rest, []) as Obj;
    const { usage: _usage, ...template } = shell;
    this.template = template;
    const flushes: Obj[] = [];
    const masked = (choices as unknown[]).map((choice, pos) => {
      if (!isObj(choice)) return this.snapshot(choice, ['choices', pos]);
      const i = typeof choice.index === 'number' ? choice.index : pos;
      const { delta, ...others } = choice;
      const out = this.snapshot(others, ['choices', i]) as Obj;
      const finishing = choice.finish_reason !== null && choice.finish_reason !== undefined;
      const moved: Array<{ steps: Step[]; text: string }> = [];
      if (delta !== undefined) out.delta = this.maskDelta(i, delta, [], [], finishing ? moved : undefined);
      if (finishing) {
        const fragment = this.flushChoice(i, moved);
        if (fragment) flushes.push({ index: i, delta: fragment, finish_reason: null });
      }
      return out;
    });
    const chunk = { ...shell, choices: masked };
    return flushes.length ? [{ ...this.template, choices: flushes }, chunk] : [chunk];
  }

  end(): unknown[] {
    const indexes = new Set<number>();
    for (const key of this.open.keys()) indexes.add(Number(key.split('|')[0]));
    const flushes: Obj[] = [];
    for (const i of [...indexes].sort((a, b) => a - b)) {
      const fragment = this.flushChoice(i, []);
      if (fragment) flushes.push({ index: i, delta: fragment, finish_reason: null });
    }
    return flushes.length ? [{ ...this.template, choices: flushes }] : [];
  }

  /**
   * Masks a delta's leaves through their channels. In a finishing chunk (`moved` given) the masked
   * text is taken out of the delta, to go out with the held text just before the finish.
   */
  private maskDelta(i: number, value: unknown, path: JsonPath, steps: Step[], moved?: Array<{ steps: Step[]; text: string }>): unknown {
    const key = path[path.length - 1];
    if (typeof value === 'string') {
      if (typeof key === 'string' && Object.hasOwn(STRUCTURAL_FIELDS, key) && isEnumValue(value)) return value;
      if (typeof key === 'string' && SENT_ONCE.has(key)) return this.snapshot(value, ['choices', i, 'delta', ...path]);
      const channelKey = `${i}|${steps.map((s) => (typeof s === 'string' ? s : `#${s.item.index ?? s.position}`)).join('.')}`;
      const json = typeof key === 'string' && JSON_TEXT_FIELDS.has(key);
      const c = this.channel(channelKey, () => ({ path: dottedPath(['choices', i, 'delta', ...path]), steps }), json);
      const text = c.masker.push(value);
      if (!moved) return text;
      if (text) moved.push({ steps, text });
      return '';
    }
    if (Array.isArray(value)) {
      return value.map((item, pos) => {
        const id: Obj = {};
        if (isObj(item)) for (const k of ['index', 'type'] as const) if (item[k] !== undefined) id[k] = item[k];
        return this.maskDelta(i, item, [...path, pos], [...steps, { position: pos, item: id }], moved);
      });
    }
    if (isObj(value)) {
      const out: Obj = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.maskDelta(i, v, [...path, k], [...steps, k], moved);
      return out;
    }
    return value;
  }

  /** Ends every channel of a choice; returns a delta fragment with their text, or null. */
  private flushChoice(i: number, moved: Array<{ steps: Step[]; text: string }>): Obj | null {
    const fragment: Obj = {};
    let any = false;
    const texts = new Map<string, { steps: Step[]; text: string }>();
    const keyOf = (steps: Step[]) => steps.map((s) => (typeof s === 'string' ? s : `#${s.item.index ?? s.position}`)).join('.');
    for (const m of moved) {
      const k = keyOf(m.steps);
      const prev = texts.get(k);
      texts.set(k, { steps: m.steps, text: (prev?.text ?? '') + m.text });
    }
    for (const [key, c] of [...this.open.entries()]) {
      if (!key.startsWith(`${i}|`)) continue;
      const k = key.slice(key.indexOf('|') + 1);
      const prev = texts.get(k);
      texts.set(k, { steps: c.steps, text: (prev?.text ?? '') + this.close(key) });
    }
    for (const { steps, text } of texts.values()) {
      if (!text) continue;
      setAt(fragment, steps, text);
      any = true;
    }
    return any ? fragment : null;
  }
}

/** Writes `text` at a channel's path into a delta fragment, creating array items from what identifies them. */
function setAt(root: Obj, steps: Step[], text: string): void {
  let node: Obj | unknown[] = root;
  for (let s = 0; s < steps.length; s++) {
    const step = steps[s]!;
    const last = s === steps.length - 1;
    if (typeof step === 'string') {
      const obj = node as Obj;
      if (last) {
        obj[step] = text;
        return;
      }
      const nextIsItem = typeof steps[s + 1] !== 'string';
      obj[step] ??= nextIsItem ? [] : {};
      node = obj[step] as Obj | unknown[];
    } else {
      const arr = node as unknown[];
      if (last) {
        arr.push(text);
        return;
      }
      const match = (x: unknown) =>
        isObj(x) && (step.item.index !== undefined ? x.index === step.item.index : (x as { __position?: number }).__position === step.position);
      let item = arr.find(match) as Obj | undefined;
      if (!item) {
        item = { ...step.item };
        if (step.item.index === undefined) Object.defineProperty(item, '__position', { value: step.position, enumerable: false });
        arr.push(item);
      }
      node = item;
    }
  }
}

/**
 * Anthropic Messages stream events. In a `content_block_delta` the delta's string fields (text,
 * partial_json, thinking, and those of delta types nobody has heard of) are channels per block
 * index, flushed as an extra delta just before the block's `content_block_stop`. Everything else
 * (`message_start.message`, `content_block_start.content_block`, `citations_delta.citation`,
 * `error` events) is a snapshot, masked whole.
 */
class AnthropicStreamMasker extends Channels implements ChatStreamMasker {
  push(event: unknown): unknown[] {
    if (!isObj(event)) return [this.snapshot(event, [])];
    const index = typeof event.index === 'number' ? event.index : 0;
    if (event.type === 'content_block_delta' && isObj(event.delta)) {
      const deltaType = typeof event.delta.type === 'string' ? event.delta.type : '';
      const delta: Obj = {};
      for (const [field, value] of Object.entries(event.delta)) {
        if (field === 'type' && typeof value === 'string' && isEnumValue(value)) delta[field] = value;
        else if (typeof value === 'string') {
          const c = this.channel(`${index}|${field}`, () => ({ path: dottedPath(['content', index, field]), steps: [field], deltaType }), JSON_TEXT_FIELDS.has(field));
          delta[field] = c.masker.push(value);
        } else delta[field] = this.snapshot(value, ['content', index, field]);
      }
      return [{ ...(this.snapshot(withoutDelta(event), []) as Obj), delta }];
    }
    if (event.type === 'content_block_stop') return [...this.flushBlock(index), this.snapshot(event, [])];
    if (event.type === 'message_stop') return [...this.end(), this.snapshot(event, [])];
    return [this.snapshot(event, [])];
  }

  end(): unknown[] {
    const indexes = new Set<number>();
    for (const key of this.open.keys()) indexes.add(Number(key.split('|')[0]));
    return [...indexes].sort((a, b) => a - b).flatMap((i) => this.flushBlock(i));
  }

  private flushBlock(index: number): Obj[] {
    const out: Obj[] = [];
    for (const [key, c] of [...this.open.entries()]) {
      if (!key.startsWith(`${index}|`)) continue;
      const text = this.close(key);
      if (text) out.push({ type: 'content_block_delta', index, delta: { type: c.deltaType, [c.steps[0] as string]: text } });
    }
    return out;
  }
}

const withoutDelta = (event: Obj): Obj => {
  const { delta: _delta, ...rest } = event;
  return rest;
};

/**
 * OpenAI Responses API events (`response.output_text.delta`, `response.function_call_arguments.delta`,
 * `response.reasoning_summary_text.delta`, and delta events nobody has heard of): the string `delta`
 * of a `*.delta` event is a channel per event kind, output item and part. Its held text goes out in
 * an extra delta event just before the matching `*.done` event, the item's `response.output_item.done`
 * or the response's final event. Every other event and field (the `response` and `item` snapshots,
 * `*.done` texts) is masked whole, so a done text equals the masked deltas joined.
 */
class ResponsesStreamMasker extends Channels implements ChatStreamMasker {
  push(event: unknown): unknown[] {
    if (!isObj(event) || typeof event.type !== 'string') return [this.snapshot(event, [])];
    const type = event.type;
    if (type.endsWith('.delta') && typeof event.delta === 'string') {
      const key = responsesChannelKey(type.slice(0, -'.delta'.length), event);
      const { delta, ...rest } = event;
      const shell = this.snapshot(rest, []) as Obj;
      const c = this.channel(key, () => ({ path: dottedPath(['output', String(event.output_index ?? 0), type]), steps: [] }), type.includes('arguments'));
      c.shell = shell;
      return [{ ...shell, delta: c.masker.push(delta) }];
    }
    const flushed: unknown[] = type.endsWith('.done') ? this.flushKeys((key) => key === responsesChannelKey(type.slice(0, -'.done'.length), event)) : [];
    if (type === 'response.output_item.done') flushed.push(...this.flushKeys((key) => key.split('|')[1] === String(event.output_index ?? '')));
    if (RESPONSE_FINAL_EVENTS.has(type) || type === 'error') flushed.push(...this.end());
    return [...flushed, this.snapshot(event, [])];
  }

  end(): unknown[] {
    return this.flushKeys(() => true);
  }

  /** Ends the channels whose key passes, each into one delta event shaped like the channel's last one. */
  private flushKeys(which: (key: string) => boolean): Obj[] {
    const out: Obj[] = [];
    for (const [key, c] of [...this.open.entries()]) {
      if (!which(key)) continue;
      const text = this.close(key);
      if (text) out.push({ ...c.shell, delta: text });
    }
    return out;
  }
}

/** The events that end a response: every channel still open is flushed before them. */
const RESPONSE_FINAL_EVENTS = new Set(['response.completed', 'response.failed', 'response.incomplete', 'response.cancelled']);

/** A delta channel: the event kind (without `.delta`/`.done`), its output item and its part within it. */
function responsesChannelKey(kind: string, event: Obj): string {
  const part = event.content_index ?? event.summary_index ?? '';
  return `${kind}|${String(event.output_index ?? '')}|${String(event.item_id ?? '')}|${String(part)}`;
}
