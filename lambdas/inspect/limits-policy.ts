import * as z from 'zod';

/**
 * Rate limits and budgets (policy `limits`): requests per minute and tokens per day, for each
 * caller on their own (`principal`) and for every member of a group together (`groups.<name>`).
 * Windows are fixed (the UTC minute, the UTC day).
 */
const limit = z
  .object({
    requests_per_minute: z.number().int().positive().optional(),
    tokens_per_day: z.number().int().positive().optional(),
  })
  .strict()
  .refine((l) => l.requests_per_minute !== undefined || l.tokens_per_day !== undefined, 'expected requests_per_minute, tokens_per_day or both');

export const limitsPolicySchema = z
  .object({
    /** Each caller (issuer + sub), counted alone. */
    principal: limit.optional(),
    /** A group's members counted together: one shared window per group. */
    groups: z.record(z.string().min(1), limit).default({}),
  })
  .strict();

export type LimitsPolicy = z.infer<typeof limitsPolicySchema>;
export type Limit = z.infer<typeof limit>;
