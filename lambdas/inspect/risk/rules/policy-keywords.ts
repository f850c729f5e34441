import type { RiskRule, RiskSignal } from '../rule';

const cache = new WeakMap<object, Array<{ keyword: string; points: number; regex: RegExp }>>();

function compiled(keywords: Record<string, number>) {
  let list = cache.get(keywords);
  if (!list) {
    list = Object.entries(keywords)
      .filter(([k]) => k.trim().length > 0)
      .map(([keyword, points]) => ({
        keyword,
        points,
        regex: new RegExp(`(?<![\\p{L}\\p{N}_])${keyword.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+')}(?![\\p{L}\\p{N}_])`, 'iu'),
      }));
    cache.set(keywords, list);
  }
  return list;
}

/** Words and phrases the policy weighs (`keywords: { "customer list": 20 }`), whole words, any case. */
export const policyKeywordsRule: RiskRule = {
  id: 'keyword',
  evaluate({ texts, policy }) {
    const signals: RiskSignal[] = [];
    for (const { keyword, points, regex } of compiled(policy.keywords)) {
      if (texts.some((t) => regex.test(t.text))) {
        signals.push({ id: `keyword.${keyword.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`, points, message: `mentions the policy keyword "${keyword}"` });
      }
    }
    return signals;
  },
};
