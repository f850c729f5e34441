import type { HeldToolArgument } from '../../store/approval-types';

/** Per argument and in all: enough for any real command, small enough for the approval item. */
const MAX_ARGUMENT_CHARS = 8_000;
const MAX_TOTAL_CHARS = 40_000;
const MAX_ARGUMENTS = 50;

/**
 * The masked arguments of a held tool call as the approver's page shows them: strings as they
 * are (SQL and shell marked, so they are shown as code), anything else as indented JSON.
 */
export function heldArguments(
  maskedArguments: Record<string, unknown>,
  languages: Readonly<Record<string, 'sql' | 'shell'>>,
): { arguments: HeldToolArgument[]; truncated: boolean } {
  let truncated = false;
  let left = MAX_TOTAL_CHARS;
  const out: HeldToolArgument[] = [];
  const entries = Object.entries(maskedArguments);
  if (entries.length > MAX_ARGUMENTS) truncated = true;
  for (const [name, value] of entries.slice(0, MAX_ARGUMENTS)) {
    const full = typeof value === 'string' ? value : (JSON.stringify(value, null, 2) ?? String(value));
    const room = Math.max(0, Math.min(MAX_ARGUMENT_CHARS, left));
    const text = full.length > room ? `${full.slice(0, room)} …` : full;
    if (full.length > room) truncated = true;
    left -= Math.min(full.length, room);
    const language = typeof value === 'string' || Array.isArray(value) ? languages[name.toLowerCase()] : undefined;
    out.push({ name: name.slice(0, 200), ...(language ? { language } : {}), text });
  }
  return { arguments: out, truncated };
}
