import * as z from '../shared/zod';

/**
 * A tool-change approval's subject (one member of ApprovalSubject, approval-types.ts): an upstream's
 * new or changed tool definition waiting for an admin. Definitions are masked and cut for the page.
 */
export const toolChangeSubjectSchema = z.object({
    kind: z.literal('tool-change'),
    upstream: z.string().check(z.minLength(1)),
    tool: z.string().check(z.minLength(1)),
    change: z.enum(['added', 'changed']),
    fingerprint: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
    previousFingerprint: z.optional(z.string().check(z.regex(/^[0-9a-f]{64}$/))),
    /** The accepted definition before the change (masked JSON), absent for a new tool. */
    previous: z.optional(z.string().check(z.maxLength(20_000))),
    /** The definition the upstream lists now (masked JSON). */
    current: z.string().check(z.maxLength(20_000)),
});

export type ToolChangeSubject = z.infer<typeof toolChangeSubjectSchema>;
