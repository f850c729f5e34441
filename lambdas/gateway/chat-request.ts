import * as z from '../shared/zod';
import { invalidJson, invalidRequest } from '../shared/errors';
import { DEFAULT_MAX_JSON_DEPTH, jsonDepthExceeds } from '../shared/json-depth';

/**
 * Validation of an OpenAI Chat Completions request: enough structure for the gateway to inspect
 * and route it; unknown fields pass through to the upstream unchanged.
 */
const contentPart = z.looseObject({ type: z.string() });

const message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z.optional(z.union([z.string(), z.array(contentPart), z.null()], { error: 'expected a string, an array of content parts, or null' })),
});

/** Model ids are echoed in errors and records, so they are held to a plain charset. */
export const modelId = z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,127}$/, 'expected a model id (letters, digits, . _ : / @ + -)'));

const chatRequest = z.looseObject({
  model: modelId,
  messages: z.array(message).check(z.minLength(1, 'expected at least one message')),
  stream: z.optional(z.boolean()),
  stream_options: z.optional(z.nullable(z.looseObject({ include_usage: z.optional(z.boolean()) }))),
  n: z.optional(z.number().check(z.int(), z.gte(1), z.lte(8))),
  tools: z.optional(z.array(z.looseObject({ type: z.string() }))),
});

/** What the gateway relies on in any request it inspects (chat, embeddings, responses, token counts); the rest passes through. */
export type ChatRequest =
  | z.infer<typeof chatRequest>
  | z.infer<typeof anthropicRequest>
  | z.infer<typeof embeddingsRequest>
  | z.infer<typeof responsesRequest>
  | z.infer<typeof countTokensRequest>;

const anthropicContent = z.union([z.string(), z.array(contentPart)], { error: 'expected a string or an array of content blocks' });

const anthropicRequest = z.looseObject({
  model: modelId,
  max_tokens: z.number().check(z.int(), z.positive()),
  messages: z.array(z.looseObject({ role: z.enum(['user', 'assistant']), content: anthropicContent })).check(z.minLength(1, 'expected at least one message')),
  system: z.optional(anthropicContent),
  stream: z.optional(z.boolean()),
  tools: z.optional(z.array(z.looseObject({ name: z.string() }))),
});

const notStreamed = (what: string) => z.optional(z.literal(false, { error: `${what} cannot be streamed; leave 'stream' out` }));

/** OpenAI Embeddings: a string, a list of strings, or token arrays (numbers: nothing to inspect, they pass as they are). */
const embeddingsRequest = z.looseObject({
  model: modelId,
  input: z.union([z.string(), z.array(z.string()).check(z.minLength(1)), z.array(z.number().check(z.int())).check(z.minLength(1)), z.array(z.array(z.number().check(z.int()))).check(z.minLength(1))], {
    error: 'expected a string, an array of strings, an array of tokens, or an array of token arrays',
  }),
  stream: notStreamed('embeddings'),
});

/** OpenAI Responses: `input` as text or a list of input items; everything else passes through, inspected. */
const responsesRequest = z.looseObject({
  model: modelId,
  input: z.optional(z.union([z.string(), z.array(z.looseObject({}))], { error: 'expected a string or an array of input items' })),
  instructions: z.optional(z.nullable(z.string())),
  stream: z.optional(z.boolean()),
});

/** Anthropic token counting: a Messages request without `max_tokens`, never streamed. */
const countTokensRequest = z.extend(z.omit(anthropicRequest, { max_tokens: true }), { stream: notStreamed('token counts') });

export function parseJsonBody(body: string, maxDepth = DEFAULT_MAX_JSON_DEPTH): unknown {
  if (body.trim() === '') throw invalidRequest('The request body is empty; expected a JSON object.');
  if (jsonDepthExceeds(body, maxDepth)) throw invalidRequest(`The request body is nested deeper than the limit of ${maxDepth} levels.`);
  try {
    return JSON.parse(body);
  } catch (err) {
    throw invalidJson(err);
  }
}

export function validateChatRequest(raw: unknown): ChatRequest {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalidRequest('The request body must be a JSON object.');
  }
  return validate(chatRequest, raw);
}

export function validateAnthropicRequest(raw: unknown): ChatRequest {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalidRequest('The request body must be a JSON object.');
  }
  return validate(anthropicRequest, raw);
}

/** Parses with a schema and turns the first issue into a 400 naming the offending field. */
export function validate<T>(schema: z.ZodMiniType<T>, raw: unknown): T {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const param = formatPath(issue.path);
  const what = issue.code === 'invalid_type' && issue.message.includes('received undefined') ? 'is required' : `is invalid: ${issue.message}`;
  throw invalidRequest(`'${param || 'body'}' ${what}.`, param || null);
}

function formatPath(path: PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');
}

const objectBody = (raw: unknown): void => {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalidRequest('The request body must be a JSON object.');
};

export function validateEmbeddingsRequest(raw: unknown): ChatRequest {
  objectBody(raw);
  return validate(embeddingsRequest, raw);
}

export function validateResponsesRequest(raw: unknown): ChatRequest {
  objectBody(raw);
  return validate(responsesRequest, raw);
}

export function validateCountTokensRequest(raw: unknown): ChatRequest {
  objectBody(raw);
  return validate(countTokensRequest, raw);
}
