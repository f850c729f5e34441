import type { CommandArgument } from '../../inspect/commands/effect';
import type { GroupPolicy } from '../../inspect/policy';
import { riskText, type RiskText } from '../../inspect/risk/rule';
import { assessRisk } from '../../inspect/risk/score';
import type { Finding, Inspector, RiskAssessment } from '../../inspect/types';

/**
 * ADAPTER, to be replaced by `Inspector.inspectJson` / `Inspector.maskJson` (branch inspect-core)
 * once that is merged: it calls the existing `maskText` on every string leaf. It is the only place
 * the MCP gateway walks JSON, so the swap is local to this file.
 */

export interface ToolArgumentInspection {
  value: unknown;
  findings: Finding[];
  findingCounts: Record<string, number>;
  blockedBy: string[];
  risk: RiskAssessment;
}

/** Masks and risk-scores tool arguments; `commands` are the arguments the SQL and shell rules parse. */
export function inspectToolArguments(
  inspector: Inspector,
  groupPolicy: GroupPolicy,
  value: unknown,
  context: { commands: readonly CommandArgument[]; protectedNamespaces?: readonly string[] },
): ToolArgumentInspection {
  const texts: RiskText[] = [];
  const { value: masked, findings } = walk(inspector, value, (text) => texts.push(riskText('tool_call', text)));
  const findingCounts: Record<string, number> = {};
  for (const f of findings) findingCounts[f.type] = (findingCounts[f.type] ?? 0) + 1;
  const blockedBy = [...new Set(findings.filter((f) => f.action === 'block').map((f) => f.type))];
  const risk = assessRisk({
    texts,
    findings,
    policy: groupPolicy.risk,
    commands: context.commands,
    ...(context.protectedNamespaces ? { protectedNamespaces: context.protectedNamespaces } : {}),
  });
  return { value: masked, findings, findingCounts, blockedBy, risk };
}

/** Masks a value going back to the agent (tool results, tool definitions, upstream error text). */
export function maskToolValue(inspector: Inspector, value: unknown): { value: unknown; findings: Finding[] } {
  return walk(inspector, value);
}

function walk(inspector: Inspector, value: unknown, onText?: (text: string) => void): { value: unknown; findings: Finding[] } {
  const findings: Finding[] = [];
  const visit = (v: unknown, path: string): unknown => {
    if (typeof v === 'string') {
      onText?.(v);
      const r = inspector.maskText(v);
      for (const f of r.findings) findings.push({ ...f, path });
      return r.masked;
    }
    if (Array.isArray(v)) return v.map((item, i) => visit(item, path ? `${path}.${i}` : String(i)));
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, visit(item, path ? `${path}.${k}` : k)]));
    }
    return v;
  };
  return { value: visit(value, ''), findings };
}
