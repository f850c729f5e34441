import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Flags parsing with a clear error instead of a stack trace. */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T) {
  return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}
