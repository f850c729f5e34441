import type { ChatFormat } from '../inspect/types';
import { invalidRequest } from '../shared/errors';
import { anthropicImage, openaiImage } from './converse-images';

/**
 * Chat requests and answers between the gateway's two wire formats (OpenAI Chat Completions,
 * Anthropic Messages) and Amazon Bedrock's Converse API. Pure: JSON in, JSON out; the SDK call is
 * in bedrock.ts. Images sent inline become Converse image blocks (converse-images.ts); content
 * Converse cannot carry from a chat body (images by URL, documents, audio) is refused with a
 * precise error rather than dropped.
 */

type Json = Record<string, unknown>;
export type ConverseBlock = Json;
export interface ConverseMessage {
  role: 'user' | 'assistant';
  content: ConverseBlock[];
}

/** The Converse request body (without `modelId`) for a chat body in `format`. */
export interface ConverseRequest {
  messages: ConverseMessage[];
  system?: Array<{ text: string }>;
  inferenceConfig?: { maxTokens?: number; temperature?: number; topP?: number; stopSequences?: string[] };
  toolConfig?: { tools: Json[]; toolChoice?: Json };
}

export function toConverse(format: ChatFormat, body: Json): ConverseRequest {
  return format === 'anthropic' ? fromAnthropic(body) : fromOpenAI(body);
}

/** A Converse answer in `format`'s response shape. */
export function fromConverse(format: ChatFormat, model: string, answer: Json, id: string, created: number): Json {
  const message = ((answer.output as Json | undefined)?.message ?? {}) as { content?: ConverseBlock[] };
  const blocks = Array.isArray(message.content) ? message.content : [];
  const usage = (answer.usage ?? {}) as { inputTokens?: number; outputTokens?: number; totalTokens?: number };
  const stopReason = typeof answer.stopReason === 'string' ? answer.stopReason : 'end_turn';
  if (format === 'anthropic') {
    const content = blocks.flatMap((b): Json[] => {
      if (typeof b.text === 'string') return [{ type: 'text', text: b.text }];
      const use = b.toolUse as Json | undefined;
      if (use) return [{ type: 'tool_use', id: use.toolUseId, name: use.name, input: use.input ?? {} }];
      return [];
    });
    return {
      id: `msg_${id}`,
      type: 'message',
      role: 'assistant',
      model,
      content,
      stop_reason: anthropicStopReason(stopReason),
      stop_sequence: null,
      usage: { input_tokens: usage.inputTokens ?? 0, output_tokens: usage.outputTokens ?? 0 },
    };
  }
  const text = blocks.filter((b) => typeof b.text === 'string').map((b) => b.text as string).join('');
  const toolCalls = blocks
    .map((b) => b.toolUse as Json | undefined)
    .filter((u): u is Json => !!u)
    .map((u) => ({ id: u.toolUseId, type: 'function', function: { name: u.name, arguments: JSON.stringify(u.input ?? {}) } }));
  return {
    id: `chatcmpl-${id}`,
    object: 'chat.completion',
    created,
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: text || (toolCalls.length ? null : ''), ...(toolCalls.length ? { tool_calls: toolCalls } : {}), refusal: null },
        finish_reason: openaiFinishReason(stopReason),
      },
    ],
    usage: openaiUsage(usage),
  };
}

export function openaiUsage(u: { inputTokens?: number; outputTokens?: number; totalTokens?: number }): Json {
  const prompt = u.inputTokens ?? 0;
  const completion = u.outputTokens ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: u.totalTokens ?? prompt + completion };
}

export function openaiFinishReason(stopReason: string): string {
  if (stopReason === 'max_tokens') return 'length';
  if (stopReason === 'tool_use') return 'tool_calls';
  if (stopReason === 'content_filtered' || stopReason === 'guardrail_intervened') return 'content_filter';
  return 'stop';
}

export function anthropicStopReason(stopReason: string): string {
  return stopReason === 'max_tokens' || stopReason === 'tool_use' || stopReason === 'stop_sequence' ? stopReason : 'end_turn';
}

function fromOpenAI(body: Json): ConverseRequest {
  const system: Array<{ text: string }> = [];
  const messages: ConverseMessage[] = [];
  const list = Array.isArray(body.messages) ? (body.messages as Json[]) : [];
  list.forEach((m, i) => {
    const role = m.role;
    if (role === 'system' || role === 'developer') {
      const text = openaiText(m.content, i);
      if (text) system.push({ text });
    } else if (role === 'user') {
      push(messages, 'user', openaiUserBlocks(m.content, i));
    } else if (role === 'assistant') {
      const calls = Array.isArray(m.tool_calls) ? (m.tool_calls as Json[]) : [];
      const blocks = textBlocks(m.content == null ? '' : openaiText(m.content, i));
      for (const [j, call] of calls.entries()) {
        const fn = (call.function ?? {}) as Json;
        blocks.push({ toolUse: { toolUseId: String(call.id ?? `call_${i}_${j}`), name: String(fn.name ?? ''), input: parseArguments(fn.arguments, `messages[${i}].tool_calls[${j}].function.arguments`) } });
      }
      push(messages, 'assistant', blocks);
    } else if (role === 'tool' || role === 'function') {
      push(messages, 'user', [{ toolResult: { toolUseId: String(m.tool_call_id ?? m.name ?? ''), content: [{ text: openaiText(m.content, i) }], status: 'success' } }]);
    } else {
      throw invalidRequest(`messages[${i}].role '${String(role)}' cannot be sent to a Bedrock model.`, `messages[${i}].role`);
    }
  });
  const maxTokens = numberOf(body.max_completion_tokens) ?? numberOf(body.max_tokens);
  const stop = typeof body.stop === 'string' ? [body.stop] : Array.isArray(body.stop) ? (body.stop as unknown[]).filter((s): s is string => typeof s === 'string') : undefined;
  const tools = Array.isArray(body.tools)
    ? (body.tools as Json[]).map((t) => {
        const fn = (t.function ?? {}) as Json;
        return { toolSpec: { name: fn.name, ...(fn.description ? { description: fn.description } : {}), inputSchema: { json: fn.parameters ?? { type: 'object', properties: {} } } } };
      })
    : [];
  const choice = body.tool_choice;
  const toolChoice =
    choice === 'required' ? { any: {} } : choice && typeof choice === 'object' ? { tool: { name: ((choice as Json).function as Json | undefined)?.name } } : choice === 'auto' ? { auto: {} } : undefined;
  return {
    messages,
    ...(system.length ? { system } : {}),
    ...inference({ maxTokens, temperature: numberOf(body.temperature), topP: numberOf(body.top_p), stopSequences: stop }),
    ...(tools.length && choice !== 'none' ? { toolConfig: { tools, ...(toolChoice ? { toolChoice } : {}) } } : {}),
  };
}

function fromAnthropic(body: Json): ConverseRequest {
  const system = typeof body.system === 'string' ? (body.system ? [{ text: body.system }] : []) : anthropicBlocks(body.system, 'system').map((b) => ({ text: String(b.text ?? '') }));
  const messages: ConverseMessage[] = [];
  const list = Array.isArray(body.messages) ? (body.messages as Json[]) : [];
  list.forEach((m, i) => {
    const role = m.role === 'assistant' ? 'assistant' : 'user';
    const content = typeof m.content === 'string' ? textBlocks(m.content) : anthropicBlocks(m.content, `messages[${i}].content`).map((b, j) => anthropicBlock(b, `messages[${i}].content[${j}]`));
    push(messages, role, content);
  });
  const tools = Array.isArray(body.tools)
    ? (body.tools as Json[]).map((t) => ({ toolSpec: { name: t.name, ...(t.description ? { description: t.description } : {}), inputSchema: { json: t.input_schema ?? { type: 'object', properties: {} } } } }))
    : [];
  const choice = body.tool_choice as Json | undefined;
  const toolChoice = choice?.type === 'any' ? { any: {} } : choice?.type === 'tool' ? { tool: { name: choice.name } } : choice?.type === 'auto' ? { auto: {} } : undefined;
  return {
    messages,
    ...(system.length ? { system } : {}),
    ...inference({
      maxTokens: numberOf(body.max_tokens),
      temperature: numberOf(body.temperature),
      topP: numberOf(body.top_p),
      stopSequences: Array.isArray(body.stop_sequences) ? (body.stop_sequences as unknown[]).filter((s): s is string => typeof s === 'string') : undefined,
    }),
    ...(tools.length && choice?.type !== 'none' ? { toolConfig: { tools, ...(toolChoice ? { toolChoice } : {}) } } : {}),
  };
}

function anthropicBlock(b: Json, where: string): ConverseBlock {
  if (b.type === 'text') return { text: String(b.text ?? '') };
  if (b.type === 'image') return anthropicImage(b, where);
  if (b.type === 'tool_use') return { toolUse: { toolUseId: String(b.id ?? ''), name: String(b.name ?? ''), input: b.input ?? {} } };
  if (b.type === 'tool_result') {
    const content =
      typeof b.content === 'string'
        ? [{ text: b.content }]
        : anthropicBlocks(b.content ?? [], `${where}.content`).map((c, k) =>
            c.type === 'image' ? anthropicImage(c, `${where}.content[${k}]`) : { text: c.type === 'text' ? String(c.text ?? '') : JSON.stringify(c) },
          );
    return { toolResult: { toolUseId: String(b.tool_use_id ?? ''), content, status: b.is_error ? 'error' : 'success' } };
  }
  throw invalidRequest(`${where}: content of type '${String(b.type)}' cannot be sent to a Bedrock model through Airlock.`, where);
}

function anthropicBlocks(value: unknown, where: string): Json[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalidRequest(`${where}: expected a string or a list of content blocks.`, where);
  return value as Json[];
}

/**
 * An OpenAI message's content as text: a string, or text parts; other parts (audio, files, and
 * images outside user messages) are refused. `first`: the index of the first part given.
 */
function openaiText(content: unknown, i: number, first = 0): string {
  if (typeof content === 'string') return content;
  if (content == null) return '';
  if (!Array.isArray(content)) throw invalidRequest(`messages[${i}].content: expected a string or a list of parts.`, `messages[${i}].content`);
  return (content as Json[])
    .map((part, j) => {
      if (part.type === 'text') return String(part.text ?? '');
      const where = `messages[${i}].content[${first + j}]`;
      throw invalidRequest(`${where}: parts of type '${String(part.type)}' cannot be sent to a Bedrock model through Airlock${part.type === 'image_url' ? ' (images go in user messages)' : ''}.`, where);
    })
    .join('');
}

/** A user message's content as Converse blocks: text parts (adjacent ones joined) and inline images, in order. */
function openaiUserBlocks(content: unknown, i: number): ConverseBlock[] {
  if (!Array.isArray(content)) return textBlocks(openaiText(content, i));
  const blocks: ConverseBlock[] = [];
  let text = '';
  const flush = () => {
    blocks.push(...textBlocks(text));
    text = '';
  };
  for (const [j, part] of (content as Json[]).entries()) {
    if (part.type === 'image_url') {
      flush();
      blocks.push(openaiImage(part, `messages[${i}].content[${j}]`));
    } else {
      text += openaiText([part], i, j);
    }
  }
  flush();
  return blocks;
}

/** Converse wants turns that alternate: consecutive turns of one role (tool results after each other) become one. */
function push(messages: ConverseMessage[], role: 'user' | 'assistant', content: ConverseBlock[]): void {
  if (content.length === 0) content = [{ text: ' ' }];
  const last = messages.at(-1);
  if (last?.role === role) last.content.push(...content);
  else messages.push({ role, content });
}

const textBlocks = (text: string): ConverseBlock[] => (text ? [{ text }] : []);
const numberOf = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

function inference(c: { maxTokens?: number | undefined; temperature?: number | undefined; topP?: number | undefined; stopSequences?: string[] | undefined }): Pick<ConverseRequest, 'inferenceConfig'> {
  const out = Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));
  return Object.keys(out).length ? { inferenceConfig: out } : {};
}

function parseArguments(text: unknown, where: string): unknown {
  if (typeof text !== 'string' || text === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw invalidRequest(`${where}: expected the tool call's arguments as JSON text.`, where);
  }
}
