import type { RiskRule } from './rule';
import { dangerousCommandsRule } from './rules/dangerous-commands';
import { exfiltrationRule } from './rules/exfiltration';
import { findingsRule } from './rules/findings';
import { policyKeywordsRule } from './rules/policy-keywords';
import { promptInjectionRule } from './rules/prompt-injection';
import { promptLengthRule } from './rules/prompt-length';
import { shellEffectsRule } from './rules/shell-effects';
import { sqlEffectsRule } from './rules/sql-effects';

/** Every risk rule, by id. Each contributes signals; their points add up to the score. */
export const RISK_RULES: Readonly<Record<string, RiskRule>> = Object.fromEntries(
  [findingsRule, promptLengthRule, policyKeywordsRule, promptInjectionRule, exfiltrationRule, dangerousCommandsRule, sqlEffectsRule, shellEffectsRule].map((r) => [r.id, r]),
);
