import type { Decision, RiskAssessment, RiskReason } from '../types';
import type { GroupPolicy } from '../policy';
import { RISK_RULES } from './registry';
import type { RiskInput, RiskRule } from './rule';

/** Points the policy sets for a signal: by exact id, else by its prefix (`dangerous_command`). */
function pointsFor(policy: GroupPolicy['risk'], id: string, dflt: number): number {
  const overrides = policy.signals;
  if (!overrides) return dflt;
  if (id in overrides) return overrides[id]!;
  const prefix = id.split('.')[0]!;
  return prefix in overrides ? overrides[prefix]! : dflt;
}

export function decide(score: number, policy: GroupPolicy['risk']): Decision {
  if (score >= policy.block_at) return 'block';
  if (score >= policy.review_at) return 'review';
  return 'allow';
}

/** Reasons that record a failed rule or detector: they block whatever the thresholds say. */
const FAILURE_REASON = /^(rule_error|detector_error)\./;

/**
 * Runs every rule and adds up the points (0–100). A rule (or detector) that throws counts against
 * the request: it adds a reason worth the full 100 points and the decision is `block`, even where
 * the policy's `block_at` is out of reach (101) — never a silent pass, never a review.
 */
export function assessRisk(input: RiskInput, rules: readonly RiskRule[] = Object.values(RISK_RULES), extra: RiskReason[] = []): RiskAssessment {
  const reasons: RiskReason[] = [...extra];
  for (const rule of rules) {
    try {
      for (const s of rule.evaluate(input)) {
        const points = pointsFor(input.policy, s.id, s.points);
        if (points > 0) reasons.push({ id: s.id, points, message: s.message });
      }
    } catch {
      reasons.push({ id: `rule_error.${rule.id}`, points: 100, message: `risk rule ${rule.id} failed; the request is blocked rather than passed` });
    }
  }
  reasons.sort((a, b) => b.points - a.points || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const score = Math.min(100, Math.round(reasons.reduce((sum, r) => sum + r.points, 0)));
  const failed = reasons.some((r) => FAILURE_REASON.test(r.id));
  return { score, decision: failed ? 'block' : decide(score, input.policy), reasons };
}
