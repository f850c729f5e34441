import { matchingRegexes } from '../any-match';
import { readingRule, type RiskRule, type RiskSignal } from '../rule';

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
export const policyKeywordsRule: RiskRule = readingRule({
  id: 'keyword',
  reader(policy) {
    const list = compiled(policy.keywords);
    const found = new Set<string>();
    return {
      read(t) {
        const candidates = list.filter(({ keyword }) => !found.has(keyword));
        const matching = matchingRegexes(t.text, candidates.map(({ regex }) => regex));
        for (const { keyword, regex } of candidates) if (matching.has(regex)) found.add(keyword);
      },
      signals() {
        const signals: RiskSignal[] = [];
        for (const { keyword, points } of list) {
          if (found.has(keyword)) signals.push({ id: `keyword.${keyword.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`, points, message: `mentions the policy keyword "${keyword}"` });
        }
        return signals;
      },
    };
  },
});
