import type { RiskSignal } from '../risk/rule';
import type { CommandAnalysis } from './effect';

/**
 * A parsed effect as a risk signal: destructive effects reach the default `block_at` (90) on their
 * own, because an MCP tool call runs the moment it is allowed; privilege changes reach `review_at`.
 * Text the parser could not read scores `review_at` too: unreadable is never a pass.
 */
export function effectSignals(language: 'sql' | 'shell', analyses: readonly CommandAnalysis[]): RiskSignal[] {
  const signals = new Map<string, RiskSignal>();
  for (const a of analyses) {
    if (!a.parsed) {
      signals.set(`command.${language}.unparsed`, {
        id: `command.${language}.unparsed`,
        points: 50,
        message: `a ${language === 'sql' ? 'SQL' : 'shell'} argument could not be parsed; it is checked by the text rules only`,
      });
    }
    for (const e of a.effects) {
      const id = `command.${language}.${e.id}`;
      if (!signals.has(id)) signals.set(id, { id, points: e.severity === 'destructive' ? 90 : 50, message: `command effect: ${e.label}` });
    }
  }
  return [...signals.values()];
}
