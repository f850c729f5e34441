import * as z from 'zod';
import { toolChangeSubjectSchema } from './approval-subject';

/** The approval record's allow-list, shared by the DynamoDB store and the local runtime's embedded one. */
const timestamp = z.iso.datetime().transform((s) => new Date(s).toISOString());
const identity = { issuer: z.string(), sub: z.string().min(1), email: z.string().optional() };
const count = z.number().int().nonnegative();
const status = z.enum(['pending', 'approved', 'denied', 'expired', 'completed', 'failed', 'executing']);

/** What an approval is for (ApprovalSubject): one member per kind. */
const approvalSubjectSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('chat') }),
  z.object({
    kind: z.literal('mcp_tool_call'),
    upstream: z.string().min(1).max(200),
    tool: z.string().min(1).max(200),
    arguments: z.array(z.object({ name: z.string().max(200), language: z.enum(['sql', 'shell']).optional(), text: z.string() })).max(100),
    effects: z.array(z.string().max(500)).max(50),
    masked: z.boolean(),
    truncated: z.boolean(),
  }),
  toolChangeSubjectSchema,
]);

/** An allow-list: whatever is not named here never reaches the table. */
export const approvalSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{10,64}$/),
  sessionId: z.string().min(1),
  sessionCreatedAt: timestamp,
  requestHash: z.string().regex(/^[0-9a-f]{64}$/),
  status,
  createdAt: timestamp,
  updatedAt: timestamp,
  decideBy: timestamp,
  reuseUntil: timestamp,
  principal: z.object({ ...identity, groups: z.array(z.string()), clientId: z.string().optional() }),
  model: z.string(),
  subject: approvalSubjectSchema.optional(),
  format: z.enum(['openai', 'anthropic']),
  stream: z.boolean(),
  risk: z.object({ score: z.number(), reasons: z.array(z.object({ id: z.string(), points: z.number(), message: z.string() })) }),
  findingCounts: z.record(z.string(), count),
  approversGroup: z.string().min(1),
  selfApproval: z.boolean(),
  timeoutSeconds: z.number().int().positive(),
  promptExcerpt: z.string(),
  triggers: z
    .array(z.object({ reasonId: z.string(), where: z.string(), before: z.string(), match: z.string(), after: z.string() }))
    .max(100)
    .optional(),
  conversation: z.object({ latestUser: z.string(), toolCalls: z.array(z.string()), earlier: z.string(), truncated: z.boolean() }).optional(),
  requestKey: z.string().min(1),
  requestSha256: z.string().regex(/^[0-9a-f]{64}$/),
  decision: z
    .object({
      approver: z.object(identity),
      decision: z.enum(['approved', 'denied']),
      reason: z.string().max(1000).optional(),
      decidedAt: timestamp,
    })
    .optional(),
  result: z
    .object({
      transcriptKey: z.string().min(1),
      transcriptSha256: z.string().regex(/^[0-9a-f]{64}$/),
      usage: z.object({ promptTokens: count.optional(), completionTokens: count.optional(), totalTokens: count.optional() }).optional(),
      costUsd: z.number().nonnegative().optional(),
      upstreamMs: z.number().nonnegative().optional(),
      findingCounts: z.record(z.string(), count),
      finishedAt: timestamp,
    })
    .optional(),
  errorCode: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/).optional(),
  notifiedAt: timestamp.optional(),
});

export const approvalUpdateSchema = approvalSchema.omit({ id: true, sessionId: true, requestHash: true, principal: true, createdAt: true }).partial();

/**
 * An approval as read back. Records from before held requests named their wire format were all
 * OpenAI Chat Completions: read without `format`, they get `openai`.
 */
export const storedApprovalSchema = z.preprocess(
  (item) => (item && typeof item === 'object' && !('format' in item) ? { ...item, format: 'openai' } : item),
  approvalSchema,
);
