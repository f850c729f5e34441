import * as z from '../shared/zod';

/** The tool-set record's allow-list, shared by the DynamoDB store and the embedded one. */
const timestamp = z.pipe(z.iso.datetime(), z.transform((s) => new Date(s).toISOString()));
const fingerprint = z.string().check(z.regex(/^[0-9a-f]{64}$/));
const reason = z.object({ id: z.string(), points: z.number(), message: z.string().check(z.maxLength(1000)) });

export const toolSetSchema = z.object({
  upstream: z.string().check(z.regex(/^[a-z0-9][a-z0-9_-]{0,31}$/)),
  version: z.number().check(z.int(), z.positive()),
  baselineAt: timestamp,
  updatedAt: timestamp,
  tools: z.record(
    z.string().check(z.minLength(1), z.maxLength(200)),
    z.object({
      accepted: z.optional(
        z.object({ fingerprint, by: z.enum(['baseline', 'approved', 'pinned']), at: timestamp, approvalId: z.optional(z.string()), definition: z.string() }),
      ),
      quarantined: z.optional(
        z.object({
          fingerprint,
          change: z.enum(['added', 'changed']),
          since: timestamp,
          reasons: z.array(reason).check(z.maxLength(50)),
          approvalId: z.optional(z.string()),
          definition: z.string(),
        }),
      ),
    }),
  ),
});
