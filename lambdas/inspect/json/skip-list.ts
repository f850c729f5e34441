/**
 * The only string fields the walker does not inspect. Everything else, including fields nobody has
 * heard of, is inspected: skipping is the exception and each entry says why it is safe.
 */

/** Enumerations and discriminators: skipped only while the value looks like one (see `isEnumValue`). */
export const STRUCTURAL_FIELDS: Readonly<Record<string, string>> = {
  role: 'who speaks (user, assistant, tool): an enumeration',
  type: 'the discriminator of a part, block, tool or event',
  object: 'the kind of a response object (chat.completion.chunk)',
  finish_reason: 'why a choice ended: an enumeration',
  stop_reason: 'why a message ended: an enumeration',
  media_type: 'a MIME type, read by the walker to decode the sibling payload',
  detail: 'image detail level (low, high, auto)',
};

/**
 * An enumeration value: lower case words joined by `_`, `.` or `-`, short, no digits. A secret is
 * never that shape (it would not be a secret), so a planted one in `role` is still inspected.
 */
export const isEnumValue = (value: string): boolean => value.length <= 40 && /^[a-z][a-z_.\-/+]*$/.test(value);

/**
 * Opaque provider ciphertexts the upstream must get back byte for byte: masking one would break the
 * conversation, and they are encrypted by the provider, not text anyone wrote. Keyed by field name;
 * `data` only inside a `redacted_thinking` block.
 */
export const OPAQUE_FIELDS: Readonly<Record<string, string>> = {
  signature: "Anthropic thinking block signature: verified by the upstream, must round-trip unchanged",
  encrypted_content: 'OpenAI encrypted reasoning item: ciphertext only the upstream can read',
};

export const isOpaque = (key: string | number | undefined, parent: Record<string, unknown> | undefined): boolean =>
  typeof key === 'string' &&
  (Object.hasOwn(OPAQUE_FIELDS, key) || (key === 'data' && parent?.type === 'redacted_thinking'));

/**
 * Fields whose value is arbitrary JSON data (tool inputs, JSON schemas): masked as one JSON text so
 * keys give context to values (`{"password": "…"}`).
 */
export const JSON_VALUE_FIELDS: ReadonlySet<string> = new Set(['input', 'parameters', 'input_schema', 'schema', 'arguments', 'output_schema']);

/** String fields holding serialized JSON (tool-call arguments): replacements must keep them parseable. */
export const JSON_TEXT_FIELDS: ReadonlySet<string> = new Set(['arguments', 'partial_json']);

/**
 * Object keys of the chat and MCP wire formats: not inspected as text. Any other key (a user's own
 * metadata key, a schema property name) is inspected, since a key can carry a secret as well as a value.
 */
export const KNOWN_KEYS: ReadonlySet<string> = new Set([
  'messages', 'role', 'content', 'type', 'text', 'name', 'tool_calls', 'tool_call_id', 'function', 'arguments', 'id', 'index',
  'system', 'tools', 'tool_choice', 'input', 'input_schema', 'parameters', 'description', 'properties', 'required', 'items',
  'tool_use_id', 'source', 'media_type', 'data', 'image_url', 'url', 'detail', 'choices', 'delta', 'message', 'finish_reason',
  'stop_reason', 'usage', 'model', 'object', 'created', 'stream', 'max_tokens', 'temperature', 'top_p', 'metadata', 'thinking',
  'signature', 'citations', 'refusal', 'logprobs', 'prompt_tokens', 'completion_tokens', 'total_tokens', 'input_tokens',
  'output_tokens', 'stop_sequence', 'stream_options', 'include_usage', 'response_format', 'json_schema', 'schema', 'strict',
  'additionalProperties', 'enum', 'format', 'default', 'title', 'anyOf', 'oneOf', 'allOf', '$ref', '$defs', 'definitions',
]);
