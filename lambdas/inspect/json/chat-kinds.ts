import type { ChatFormat, JsonPath, SlotKind } from '../types';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

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

const TOOL_CALL_KEYS = new Set(['tool_calls', 'function_call']);
const TOOL_DEFINITION_FIELDS = new Set(['tools', 'functions', 'response_format', 'tool_choice']);
const SYSTEM_FIELDS = new Set(['system', 'instructions']);
const USER_FIELDS = new Set(['prompt', 'input', 'prediction']);

/**
 * The slot kind of a string leaf in a chat request body, for risk weighting: the role of its
 * message, the tool call or tool result block it sits in, tool definitions, the system prompt.
 * Fields outside messages that are not prompts (`metadata`, `user`, unknown ones) are `other`.
 */
export function chatKindOf(body: unknown, _format: ChatFormat): (path: JsonPath) => SlotKind {
  return (path) => {
    const top = path[0];
    if (typeof top !== 'string') return 'user';
    if (SYSTEM_FIELDS.has(top)) return 'system';
    if (TOOL_DEFINITION_FIELDS.has(top)) return 'tool_definition';
    // Responses API input items are turns like chat messages (a role, or a tool call or its output).
    const turns = top === 'messages' || (top === 'input' && isObj(body) && Array.isArray(body.input));
    if (USER_FIELDS.has(top) && !turns) return 'user';
    if (!turns || !isObj(body) || !Array.isArray(body[top])) return 'other';
    let node: unknown = (body[top] as unknown[])[path[1] as number];
    const kind = isObj(node) ? roleKind(node.role) : 'user';
    for (let s = 2; s < path.length && node !== undefined; s++) {
      const step = path[s]!;
      if (typeof step === 'string' && TOOL_CALL_KEYS.has(step)) return 'tool_call';
      if (isObj(node)) {
        if (node.type === 'tool_use' || node.type === 'server_tool_use' || node.type === 'mcp_tool_use' || node.type === 'function_call' || node.type === 'custom_tool_call') return 'tool_call';
        if (node.type === 'tool_result' || (typeof node.type === 'string' && (node.type.endsWith('_tool_result') || node.type.endsWith('_call_output')))) return 'tool_result';
        node = node[step as string];
      } else if (Array.isArray(node)) node = node[step as number];
      else break;
    }
    return kind;
  };
}
