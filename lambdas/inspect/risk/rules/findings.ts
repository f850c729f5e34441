import type { Category } from '../../types';
import { plural, type RiskRule, type RiskSignal } from '../rule';

const POINTS: Record<Category, { first: number; extra: number; cap: number; label: string }> = {
  secret: { first: 20, extra: 5, cap: 40, label: 'secret' },
  pii: { first: 5, extra: 1, cap: 15, label: 'personal data' },
  custom: { first: 10, extra: 2, cap: 20, label: 'policy-defined' },
};

/** Secrets, PII and custom matches found in the prompt, by type and count. */
export const findingsRule: RiskRule = {
  id: 'findings',
  evaluate({ findings }) {
    const byType = new Map<string, { category: Category; count: number }>();
    for (const f of findings) {
      const entry = byType.get(f.type) ?? { category: f.category, count: 0 };
      entry.count++;
      byType.set(f.type, entry);
    }
    const signals: RiskSignal[] = [];
    for (const [type, { category, count }] of [...byType].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const p = POINTS[category];
      signals.push({
        id: `${category}.${type}`,
        points: Math.min(p.cap, p.first + p.extra * (count - 1)),
        message: `${plural(count, `${p.label} value`)} of type ${type} found in the prompt (masked before forwarding)`,
      });
    }
    return signals;
  },
};
