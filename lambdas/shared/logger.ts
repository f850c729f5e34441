import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one logger. Log metadata only (ids, codes, counts, timings): never a prompt, a response,
 * a token or a finding's value. `redactForLog` is the last line of defence for error objects.
 */
// Level comes from POWERTOOLS_LOG_LEVEL (read by Powertools itself), INFO by default.
export const logger = new Logger({ serviceName: 'airlock' });

export type AirlockLogger = Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;

/** An error reduced to what is safe to log: its name and code, never its message chain of inputs. */
export function errorForLog(err: unknown): { name: string; code?: string; status?: number } {
  if (err && typeof err === 'object') {
    const e = err as { name?: unknown; code?: unknown; status?: unknown };
    return {
      name: typeof e.name === 'string' ? e.name : 'Error',
      ...(typeof e.code === 'string' ? { code: e.code } : {}),
      ...(typeof e.status === 'number' ? { status: e.status } : {}),
    };
  }
  return { name: typeof err };
}
