/** Percentile by nearest rank over a sorted copy. */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export interface Figure {
  name: string;
  value: number;
  unit: string;
  [extra: string]: unknown;
}

export const round = (n: number, digits = 3): number => Number(n.toFixed(digits));
