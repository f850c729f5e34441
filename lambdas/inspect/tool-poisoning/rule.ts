/** One text of a tool definition as the poisoning rules read it. */
export interface ToolText {
  /** Where it is: `description`, `title`, `inputSchema.properties.path.description`, … */
  where: string;
  /** Whether it is inside a schema (an argument's description, default, enum) rather than the tool's own text. */
  inSchema: boolean;
  /** The text as the upstream sent it (invisible characters included). */
  raw: string;
  /** The normalised view (zero-width and format characters removed, NFKC, confusables folded), in lower case. */
  lower: string;
}

/** One reason a tool definition looks poisoned: a stable id, points and a message an admin can read. */
export interface ToolPoisoningSignal {
  id: string;
  points: number;
  message: string;
}

/** A small pure unit in `registry.ts`. A rule that throws quarantines the tool. */
export interface ToolPoisoningRule {
  readonly id: string;
  evaluate(texts: readonly ToolText[]): ToolPoisoningSignal[];
}

const MAX_QUOTE = 60;

/** A short quote of what fired, with invisible characters spelled out so an admin sees them. */
export function quote(text: string): string {
  const shown = text
    .slice(0, MAX_QUOTE)
    .replace(/[\p{Cf}\p{Cc}]/gu, (c) => `<U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`)
    .trim();
  return `"${shown}${text.length > MAX_QUOTE ? '…' : ''}"`;
}

/** The first match of `regex` over each text: one signal per rule and place, at most `limit` places. */
export function firstMatches(
  texts: readonly ToolText[],
  regex: RegExp,
  signal: (text: ToolText, match: string) => ToolPoisoningSignal,
  options: { schemaOnly?: boolean; limit?: number } = {},
): ToolPoisoningSignal[] {
  const out: ToolPoisoningSignal[] = [];
  for (const t of texts) {
    if (options.schemaOnly && !t.inSchema) continue;
    const m = regex.exec(t.lower);
    if (m) out.push(signal(t, m[0]));
    if (out.length >= (options.limit ?? 3)) break;
  }
  return out;
}
