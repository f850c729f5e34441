import type { Decision, RiskAssessment, RiskReason } from '../types';
import type { GroupPolicy } from '../policy';
import { RISK_RULES } from './registry';
import type { RiskInput, RiskRule } from './rule';

/**
 * Points the policy sets for a signal: by its exact id, else by its longest dotted prefix
 * (`command.sql.drop_table`, then `command.sql`, then `command`), else by the id of the rule that
 * emitted it (`command_sql`).
 */
function pointsFor(policy: GroupPolicy['risk'], id: string, ruleId: string, dflt: number): number {
  const overrides = policy.signals;
  if (!overrides) return dflt;
  for (const key of signalKeys(id)) if (Object.hasOwn(overrides, key)) return overrides[key]!;
  return Object.hasOwn(overrides, ruleId) ? overrides[ruleId]! : dflt;
}

/** A signal id and its dotted prefixes, longest first: `a.b.c`, `a.b`, `a`. */
export function signalKeys(id: string): string[] {
  const keys = [id];
  for (let dot = id.lastIndexOf('.'); dot > 0; dot = id.lastIndexOf('.', dot - 1)) keys.push(id.slice(0, dot));
  return keys;
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
        const points = pointsFor(input.policy, s.id, rule.id, s.points);
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
