import * as z from '../shared/zod';
import { toolChangeSubjectSchema } from './approval-subject';

/** The approval record's allow-list, shared by the DynamoDB store and the local runtime's embedded one. */
const timestamp = z.pipe(z.iso.datetime(), z.transform((s) => new Date(s).toISOString()));
const identity = { issuer: z.string(), sub: z.string().check(z.minLength(1)), email: z.optional(z.string()) };
const count = z.number().check(z.int(), z.nonnegative());
const status = z.enum(['pending', 'approved', 'denied', 'expired', 'completed', 'failed', 'executing']);

/** What an approval is for (ApprovalSubject): one member per kind. */
const approvalSubjectSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('chat') }),
  z.object({
    kind: z.literal('mcp_tool_call'),
    upstream: z.string().check(z.minLength(1), z.maxLength(200)),
    tool: z.string().check(z.minLength(1), z.maxLength(200)),
    arguments: z
      .array(z.object({ name: z.string().check(z.maxLength(200)), language: z.optional(z.enum(['sql', 'shell'])), text: z.string() }))
      .check(z.maxLength(100)),
    effects: z.array(z.string().check(z.maxLength(500))).check(z.maxLength(50)),
    masked: z.boolean(),
    truncated: z.boolean(),
  }),
  toolChangeSubjectSchema,
]);

/** An allow-list: whatever is not named here never reaches the table. */
export const approvalSchema = z.object({
  id: z.string().check(z.regex(/^[A-Za-z0-9_-]{10,64}$/)),
  sessionId: z.string().check(z.minLength(1)),
  sessionCreatedAt: timestamp,
  requestHash: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  status,
  createdAt: timestamp,
  updatedAt: timestamp,
  decideBy: timestamp,
  reuseUntil: timestamp,
  principal: z.object({ ...identity, groups: z.array(z.string()), clientId: z.optional(z.string()) }),
  model: z.string(),
  subject: z.optional(approvalSubjectSchema),
  format: z.enum(['openai', 'anthropic']),
  stream: z.boolean(),
  risk: z.object({ score: z.number(), reasons: z.array(z.object({ id: z.string(), points: z.number(), message: z.string() })) }),
  findingCounts: z.record(z.string(), count),
  approversGroup: z.string().check(z.minLength(1)),
  selfApproval: z.boolean(),
  timeoutSeconds: z.number().check(z.int(), z.positive()),
  promptExcerpt: z.string(),
  triggers: z.optional(
    z.array(z.object({ reasonId: z.string(), where: z.string(), before: z.string(), match: z.string(), after: z.string() })).check(z.maxLength(100)),
  ),
  conversation: z.optional(z.object({ latestUser: z.string(), toolCalls: z.array(z.string()), earlier: z.string(), truncated: z.boolean() })),
  requestKey: z.string().check(z.minLength(1)),
  requestSha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  decision: z.optional(
    z.object({
      approver: z.object(identity),
      decision: z.enum(['approved', 'denied']),
      reason: z.optional(z.string().check(z.maxLength(1000))),
      decidedAt: timestamp,
    }),
  ),
  result: z.optional(
    z.object({
      transcriptKey: z.string().check(z.minLength(1)),
      transcriptSha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
      usage: z.optional(z.object({ promptTokens: z.optional(count), completionTokens: z.optional(count), totalTokens: z.optional(count) })),
      costUsd: z.optional(z.number().check(z.nonnegative())),
      upstreamMs: z.optional(z.number().check(z.nonnegative())),
      findingCounts: z.record(z.string(), count),
      finishedAt: timestamp,
    }),
  ),
  errorCode: z.optional(z.string().check(z.regex(/^[A-Za-z0-9._-]{1,64}$/))),
  notifiedAt: z.optional(timestamp),
});

export const approvalUpdateSchema = z.partial(z.omit(approvalSchema, { id: true, sessionId: true, requestHash: true, principal: true, createdAt: true }));

/**
 * An approval as read back. Records from before held requests named their wire format were all
 * OpenAI Chat Completions: read without `format`, they get `openai`.
 */
export const storedApprovalSchema = z.pipe(
  z.transform((item: unknown) => (item && typeof item === 'object' && !('format' in item) ? { ...item, format: 'openai' } : item)),
  approvalSchema,
);
