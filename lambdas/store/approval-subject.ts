import * as z from 'zod';

/**
 * A tool-change approval's subject (one member of ApprovalSubject, approval-types.ts): an upstream's
 * new or changed tool definition waiting for an admin. Definitions are masked and cut for the page.
 */
export const toolChangeSubjectSchema = z.object({
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
});

export type ToolChangeSubject = z.infer<typeof toolChangeSubjectSchema>;
