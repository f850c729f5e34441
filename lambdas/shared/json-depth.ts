/**
 * Nesting limit for JSON bodies, checked on the raw text before JSON.parse. Deeply nested JSON
 * parses fine but overflows the stack of every recursive walker after it (inspection, masking,
 * transcript serialisation), so it is refused first, in linear time and constant memory.
 */
export const DEFAULT_MAX_JSON_DEPTH = 64;

/** The deepest nesting of `[` / `{` in `text`, counting stops as soon as it passes `limit`. */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > limit) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  return false;
}
