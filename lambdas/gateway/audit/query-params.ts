import * as z from '../../shared/zod';
import { invalidRequest } from '../../shared/errors';
import { SESSION_STATUSES } from '../../store/types';

/**
 * Query-string parsing shared by the audit routes: unknown parameters are refused (a misspelt
 * filter must not silently widen a search), and a bad value names its parameter.
 */
export function parseQuery<T extends z.core.$ZodShape>(query: Record<string, string>, shape: T): z.infer<z.ZodMiniObject<T>> {
  const known = new Set(Object.keys(shape));
  const unknown = Object.keys(query).find((name) => !known.has(name));
  if (unknown !== undefined) {
    throw invalidRequest(`Unknown query parameter '${unknown.slice(0, 40)}'; expected one of ${[...known].join(', ')}.`, unknown.slice(0, 40));
  }
  const parsed = z.object(shape).safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const param = String(issue.path[0] ?? '');
    throw invalidRequest(`Query parameter '${param}' ${issue.message}.`, param);
  }
  return parsed.data;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

export const pageParams = {
  limit: z._default(
    z.coerce
      .number({ error: 'must be a number' })
      .check(
        z.int({ error: `must be an integer from 1 to ${MAX_PAGE_SIZE}` }),
        z.gte(1, { error: `must be an integer from 1 to ${MAX_PAGE_SIZE}` }),
        z.lte(MAX_PAGE_SIZE, { error: `must be an integer from 1 to ${MAX_PAGE_SIZE}` }),
      ),
    DEFAULT_PAGE_SIZE,
  ),
  cursor: z.optional(z.string().check(z.minLength(1, { error: 'must not be empty' }), z.maxLength(4096, { error: 'is too long' }))),
};

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** A date or a timestamp with its zone. A bare date means that UTC day: its start for `from`, its end for `to`. */
const timestamp = (edge: 'start' | 'end') =>
  z.optional(
    z.pipe(
      z.string().check(
        z.refine((s) => (ISO_DATE.test(s) || ISO_TIMESTAMP.test(s)) && !Number.isNaN(Date.parse(s)), {
          error: 'must be an ISO 8601 date (2026-06-01) or timestamp with zone (2026-06-01T12:00:00Z)',
        }),
      ),
      z.transform((s) => {
        const ms = Date.parse(s) + (ISO_DATE.test(s) && edge === 'end' ? 86_400_000 - 1 : 0);
        return new Date(ms).toISOString();
      }),
    ),
  );

export const fromParam = timestamp('start');
export const toParam = timestamp('end');

const text = z.string().check(z.minLength(1, { error: 'must not be empty' }), z.maxLength(256, { error: 'is too long' }));
export const textParam = z.optional(text);

export const decisionParam = z.optional(z.enum(['allow', 'review', 'block'], { error: 'must be one of allow, review, block' }));

export const statusParam = z.optional(z.enum(SESSION_STATUSES, { error: `must be one of ${SESSION_STATUSES.join(', ')}` }));

export const riskParam = z.optional(
  z.coerce
    .number({ error: 'must be a number from 0 to 100' })
    .check(z.gte(0, { error: 'must be a number from 0 to 100' }), z.lte(100, { error: 'must be a number from 0 to 100' })),
);
