import { textView } from '../engine/normalize';
import type { RiskReason } from '../types';
import { TOOL_POISONING_RULES } from './registry';
import type { ToolPoisoningRule, ToolText } from './rule';

/** A tool definition as an upstream lists it (the fields a fingerprint covers). */
export interface ToolDefinition {
  name: string;
  title?: unknown;
  description?: unknown;
  inputSchema?: unknown;
  outputSchema?: unknown;
  annotations?: unknown;
}

export interface ToolPoisoningAssessment {
  /** 0–100. */
  score: number;
  /** At or above QUARANTINE_AT: the tool is quarantined until an admin approves it. */
  poisoned: boolean;
  reasons: RiskReason[];
}

/** The score at which a tool definition is quarantined: any one strong signal, or two weak ones. */
export const QUARANTINE_AT = 50;
/** Texts read per definition; a schema larger than this is scored on its first texts and says so. */
const MAX_TEXTS = 2000;

/** Scores a tool definition (name, title, description, schemas, annotations) for injected instructions. */
export function scoreToolDefinition(tool: ToolDefinition, rules: readonly ToolPoisoningRule[] = Object.values(TOOL_POISONING_RULES)): ToolPoisoningAssessment {
  const texts = toolTexts(tool);
  const reasons: RiskReason[] = [];
  for (const rule of rules) {
    try {
      reasons.push(...rule.evaluate(texts));
    } catch {
      // A rule that fails counts against the tool, never for it.
      reasons.push({ id: `${rule.id}.failed`, points: 100, message: `the check ${rule.id} could not read this tool's definition` });
    }
  }
  if (texts.length >= MAX_TEXTS) reasons.push({ id: 'tool_poisoning.too_large', points: 50, message: `the definition holds more than ${MAX_TEXTS} texts; only the first were read` });
  reasons.sort((a, b) => b.points - a.points || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const score = Math.min(100, reasons.reduce((sum, r) => sum + r.points, 0));
  return { score, poisoned: score >= QUARANTINE_AT, reasons };
}

/**
 * Every text of the definition, with where it is: the tool's name, title and description, and in
 * the schemas and annotations every string value (descriptions, titles, defaults, enum values,
 * examples) and every property name (a property can be named `ignore_previous_instructions`).
 */
function toolTexts(tool: ToolDefinition): ToolText[] {
  const out: ToolText[] = [];
  const add = (where: string, raw: string, inSchema: boolean) => {
    if (!raw || out.length >= MAX_TEXTS) return;
    const lower = (textView(raw)?.text ?? raw).toLowerCase();
    out.push({ where, inSchema, raw, lower });
  };
  add('tool name', tool.name, false);
  for (const field of ['title', 'description'] as const) if (typeof tool[field] === 'string') add(field, tool[field], false);
  for (const field of ['inputSchema', 'outputSchema', 'annotations'] as const) {
    const stack: Array<[unknown, string]> = [[tool[field], field]];
    while (stack.length && out.length < MAX_TEXTS) {
      const [value, where] = stack.pop()!;
      if (typeof value === 'string') add(where, value, true);
      else if (Array.isArray(value)) for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], `${where}[${i}]`]);
      else if (value && typeof value === 'object') {
        const entries = Object.entries(value);
        for (let i = entries.length - 1; i >= 0; i--) {
          const [key, child] = entries[i]!;
          if (where.endsWith('.properties')) add(`${where}.${key} (property name)`, key.replace(/[_-]+/g, ' '), true);
          stack.push([child, `${where}.${key}`]);
        }
      }
    }
  }
  return out;
}
