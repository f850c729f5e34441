import type { ChatFormat } from '../types';

/** Where a text sits in a chat body; risk rules weigh some places differently (tool definitions, tool calls). */
export type SlotKind = 'system' | 'user' | 'assistant' | 'tool_result' | 'tool_call' | 'tool_definition' | 'other';

export interface TextSlot {
  /** JSON path of the field, e.g. `messages.2.content.0.text`. */
  path: string;
  kind: SlotKind;
  /** The text is serialized JSON: replacements must keep it parseable. */
  json?: boolean;
}

/** Maps one text field; returns the replacement text. */
export type SlotMapper = (text: string, slot: TextSlot) => string;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Rebuilds a chat request body with every text field passed through `map`: string contents,
 * content-part arrays, system prompts, tool definitions, tool-call arguments and tool results.
 * Fields that carry no text (ids, roles, images) are kept as they are; the input is not mutated.
 */
export function mapChatRequest(body: unknown, format: ChatFormat, map: SlotMapper): unknown {
  if (!isObj(body)) return body;
  const out: Obj = { ...body };
  if (Array.isArray(body.messages)) {
    out.messages = body.messages.map((m, i) => mapMessage(m, `messages.${i}`, format, map));
  }
  if (format === 'anthropic' && body.system !== undefined) {
    out.system = mapContent(body.system, 'system', 'system', format, map);
  }
  if (Array.isArray(body.tools)) out.tools = body.tools.map((t, i) => mapTool(t, `tools.${i}`, map));
  for (const key of ['prompt', 'input'] as const) {
    if (typeof body[key] === 'string') out[key] = map(body[key], { path: key, kind: 'user' });
    else if (Array.isArray(body[key])) {
      out[key] = (body[key] as unknown[]).map((v, i) => (typeof v === 'string' ? map(v, { path: `${key}.${i}`, kind: 'user' }) : v));
    }
  }
  return out;
}

/** Rebuilds a complete (non-streamed) chat response with every text field passed through `map`. */
export function mapChatResponse(body: unknown, format: ChatFormat, map: SlotMapper): unknown {
  if (!isObj(body)) return body;
  const out: Obj = { ...body };
  if (format === 'openai' && Array.isArray(body.choices)) {
    out.choices = body.choices.map((c, i) => {
      if (!isObj(c)) return c;
      const choice: Obj = { ...c };
      if (isObj(c.message)) choice.message = mapMessage(c.message, `choices.${i}.message`, format, map, 'assistant');
      if (typeof c.text === 'string') choice.text = map(c.text, { path: `choices.${i}.text`, kind: 'assistant' });
      return choice;
    });
  }
  if (format === 'anthropic' && Array.isArray(body.content)) {
    out.content = mapContent(body.content, 'content', 'assistant', format, map);
  }
  return out;
}

function roleKind(role: unknown): SlotKind {
  switch (role) {
    case 'system':
    case 'developer':
      return 'system';
    case 'assistant':
      return 'assistant';
    case 'tool':
    case 'function':
      return 'tool_result';
    default:
      return 'user';
  }
}

function mapMessage(m: unknown, path: string, format: ChatFormat, map: SlotMapper, forced?: SlotKind): unknown {
  if (!isObj(m)) return m;
  const kind = forced ?? roleKind(m.role);
  const out: Obj = { ...m };
  if (m.content !== undefined && m.content !== null) out.content = mapContent(m.content, `${path}.content`, kind, format, map);
  if (typeof m.refusal === 'string') out.refusal = map(m.refusal, { path: `${path}.refusal`, kind });
  if (Array.isArray(m.tool_calls)) {
    out.tool_calls = m.tool_calls.map((call, j) => {
      if (!isObj(call) || !isObj(call.function)) return call;
      const fn: Obj = { ...call.function };
      if (typeof fn.arguments === 'string') fn.arguments = map(fn.arguments, { path: `${path}.tool_calls.${j}.function.arguments`, kind: 'tool_call' });
      return { ...call, function: fn };
    });
  }
  if (isObj(m.function_call) && typeof m.function_call.arguments === 'string') {
    out.function_call = { ...m.function_call, arguments: map(m.function_call.arguments, { path: `${path}.function_call.arguments`, kind: 'tool_call' }) };
  }
  return out;
}

function mapContent(content: unknown, path: string, kind: SlotKind, format: ChatFormat, map: SlotMapper): unknown {
  if (typeof content === 'string') return map(content, { path, kind });
  if (!Array.isArray(content)) return content;
  return content.map((part, i) => mapPart(part, `${path}.${i}`, kind, format, map));
}

function mapPart(part: unknown, path: string, kind: SlotKind, format: ChatFormat, map: SlotMapper): unknown {
  if (typeof part === 'string') return map(part, { path, kind });
  if (!isObj(part)) return part;
  switch (part.type) {
    case 'text':
    case 'input_text':
    case 'output_text':
      return typeof part.text === 'string' ? { ...part, text: map(part.text, { path: `${path}.text`, kind }) } : part;
    case 'tool_use':
    case 'server_tool_use':
      return part.input === undefined ? part : { ...part, input: mapJson(part.input, `${path}.input`, 'tool_call', map) };
    case 'tool_result':
      return part.content === undefined ? part : { ...part, content: mapContent(part.content, `${path}.content`, 'tool_result', format, map) };
    default:
      return part;
  }
}

function mapTool(tool: unknown, path: string, map: SlotMapper): unknown {
  if (!isObj(tool)) return tool;
  const out: Obj = { ...tool };
  const fields = isObj(tool.function) ? (out.function = { ...tool.function }) as Obj : out;
  const prefix = isObj(tool.function) ? `${path}.function` : path;
  if (typeof fields.description === 'string') fields.description = map(fields.description, { path: `${prefix}.description`, kind: 'tool_definition' });
  for (const key of ['parameters', 'input_schema']) {
    if (fields[key] !== undefined) fields[key] = mapJson(fields[key], `${prefix}.${key}`, 'tool_definition', map);
  }
  return out;
}

/**
 * Structured values (tool inputs, JSON schemas) are masked as one JSON text so keys give context
 * to values (`{"password": "…"}`); markers are JSON-safe. Should the result not parse, each string
 * leaf is masked on its own instead.
 */
function mapJson(value: unknown, path: string, kind: SlotKind, map: SlotMapper): unknown {
  if (typeof value === 'string') return map(value, { path, kind });
  if (typeof value !== 'object' || value === null) return value;
  const json = JSON.stringify(value);
  const masked = map(json, { path, kind, json: true });
  if (masked === json) return value;
  try {
    return JSON.parse(masked);
  } catch {
    return mapLeaves(value, path, kind, map);
  }
}

function mapLeaves(value: unknown, path: string, kind: SlotKind, map: SlotMapper): unknown {
  if (typeof value === 'string') return map(value, { path, kind });
  if (Array.isArray(value)) return value.map((v, i) => mapLeaves(v, `${path}.${i}`, kind, map));
  if (isObj(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapLeaves(v, `${path}.${k}`, kind, map)]));
  return value;
}
