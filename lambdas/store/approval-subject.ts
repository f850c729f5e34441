import * as z from 'zod';

/**
 * What an approval is about, when it is not a held prompt (a record without `subject` is one). The
 * discriminator is `kind`; today `tool-change`: an upstream's new or changed tool definition waiting
 * for an admin (issue 11). Definitions are masked and cut for the page.
 */
export const approvalSubjectSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('tool-change'),
    upstream: z.string().min(1),
    tool: z.string().min(1),
    change: z.enum(['added', 'changed']),
    fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
    previousFingerprint: z.string().regex(/^[0-9a-f]{64}$/).optional(),
    /** The accepted definition before the change (masked JSON), absent for a new tool. */
    previous: z.string().max(20_000).optional(),
    /** The definition the upstream lists now (masked JSON). */
    current: z.string().max(20_000),
  }),
]);

export type ApprovalSubject = z.infer<typeof approvalSubjectSchema>;
export type ToolChangeSubject = Extract<ApprovalSubject, { kind: 'tool-change' }>;
