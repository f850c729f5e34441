/** Tools are listed as `<upstream>.<tool>`; upstream names hold no dot, so the first dot splits. */
export const prefixedToolName = (upstream: string, tool: string): string => `${upstream}.${tool}`;

export function splitToolName(name: string): { upstream: string; tool: string } | undefined {
  const dot = name.indexOf('.');
  if (dot <= 0 || dot === name.length - 1) return undefined;
  return { upstream: name.slice(0, dot), tool: name.slice(dot + 1) };
}
