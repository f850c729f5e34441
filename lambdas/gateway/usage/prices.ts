import type { TokenUsage } from '../../store/types';

/** One row of the price table (AIRLOCK_PRICES): a model glob and US dollars per million tokens in and out. */
export interface ModelPrice {
  model: string;
  input_per_million: number;
  output_per_million: number;
}

/** A session's cost in US dollars, from the first row whose glob matches the model; undefined without a price or usage. */
export function sessionCost(prices: readonly ModelPrice[], model: string | undefined, usage: TokenUsage | undefined): number | undefined {
  if (!model || !usage || !prices.length) return undefined;
  const price = prices.find((p) => globMatches(p.model, model));
  if (!price) return undefined;
  const input = usage.promptTokens ?? 0;
  const output = usage.completionTokens ?? Math.max(0, (usage.totalTokens ?? 0) - input);
  // Rounded to a millionth of a dollar: sums stay exact enough and the item small.
  return Math.round(input * price.input_per_million + output * price.output_per_million) / 1_000_000;
}

function globMatches(glob: string, model: string): boolean {
  const source = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${source}$`).test(model);
}
