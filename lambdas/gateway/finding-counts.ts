import type { Finding } from '../inspect/types';

/**
 * What a session record keeps of its findings: counts by type, never values. Findings in the
 * answer are counted under `response.<type>`, beside the prompt's own counts.
 */
export function withResponseFindings(promptCounts: Record<string, number>, responseFindings: readonly Pick<Finding, 'type'>[]): Record<string, number> {
  const counts = { ...promptCounts };
  for (const { type } of responseFindings) counts[`response.${type}`] = (counts[`response.${type}`] ?? 0) + 1;
  return counts;
}
