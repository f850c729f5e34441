import * as z from '../shared/zod';

/**
 * Rate limits and budgets (policy `limits`): requests per minute and tokens per day, for each
 * caller on their own (`principal`) and for every member of a group together (`groups.<name>`).
 * Windows are fixed (the UTC minute, the UTC day).
 */
const limit = z
  .strictObject({
    requests_per_minute: z.optional(z.number().check(z.int(), z.positive())),
    tokens_per_day: z.optional(z.number().check(z.int(), z.positive())),
  })
  .check(z.refine((l) => l.requests_per_minute !== undefined || l.tokens_per_day !== undefined, 'expected requests_per_minute, tokens_per_day or both'));

export const limitsPolicySchema = z.strictObject({
  /** Each caller (issuer + sub), counted alone. */
  principal: z.optional(limit),
  /** A group's members counted together: one shared window per group. */
  groups: z._default(z.record(z.string().check(z.minLength(1)), limit), {}),
});

export type LimitsPolicy = z.infer<typeof limitsPolicySchema>;
export type Limit = z.infer<typeof limit>;
