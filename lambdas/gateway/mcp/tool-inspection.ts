import { shellEffects } from '../../inspect/commands/shell-effects';
import type { CommandArgument } from '../../inspect/commands/effect';
import { parsePostgres } from '../../inspect/commands/sql-grammar';
import type { GroupPolicy } from '../../inspect/policy';
import { assessRisk, decide } from '../../inspect/risk/score';
import type { Finding, Inspector, RiskAssessment } from '../../inspect/types';

export interface ToolArgumentInspection {
  value: unknown;
  findings: Finding[];
  findingCounts: Record<string, number>;
  blockedBy: string[];
  risk: RiskAssessment;
}

/**
 * Masks and risk-scores tool arguments with the one JSON walker (`inspectJson`), then adds what the
 * registry's rules find in the command arguments (SQL and shell, parsed into effects): those need
 * to know which argument is which language, which a walker over string leaves cannot tell.
 */
export function inspectToolArguments(
  inspector: Inspector,
  groupPolicy: GroupPolicy,
  value: unknown,
  context: { commands: readonly CommandArgument[]; protectedNamespaces?: readonly string[] },
): ToolArgumentInspection {
  const inspection = inspector.inspectJson(value, { kindOf: () => 'tool_call' });
  if (!context.commands.length) return inspection;
  const commands = assessRisk({
    texts: [],
    findings: [],
    policy: groupPolicy.risk,
    commands: context.commands,
    sqlParser: parsePostgres,
    shellAnalyser: shellEffects,
    ...(context.protectedNamespaces ? { protectedNamespaces: context.protectedNamespaces } : {}),
  });
  const reasons = [...inspection.risk.reasons, ...commands.reasons].sort((a, b) => b.points - a.points || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const score = Math.min(100, inspection.risk.score + commands.score);
  return { ...inspection, risk: { score, decision: decide(score, groupPolicy.risk), reasons } };
}

/** Masks a value going back to the agent: tool results, tool definitions. */
export function maskToolValue(inspector: Inspector, value: unknown): { value: unknown; findings: Finding[] } {
  return inspector.maskJson(value);
}
