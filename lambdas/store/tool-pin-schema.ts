import * as z from 'zod';

/** The tool-set record's allow-list, shared by the DynamoDB store and the embedded one. */
const timestamp = z.iso.datetime().transform((s) => new Date(s).toISOString());
const fingerprint = z.string().regex(/^[0-9a-f]{64}$/);
const reason = z.object({ id: z.string(), points: z.number(), message: z.string().max(1000) });

export const toolSetSchema = z.object({
  upstream: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/),
  version: z.number().int().positive(),
  baselineAt: timestamp,
  updatedAt: timestamp,
  tools: z.record(
    z.string().min(1).max(200),
    z.object({
      accepted: z
        .object({ fingerprint, by: z.enum(['baseline', 'approved', 'pinned']), at: timestamp, approvalId: z.string().optional(), definition: z.string() })
        .optional(),
      quarantined: z
        .object({
          fingerprint,
          change: z.enum(['added', 'changed']),
          since: timestamp,
          reasons: z.array(reason).max(50),
          approvalId: z.string().optional(),
          definition: z.string(),
        })
        .optional(),
    }),
  ),
});
