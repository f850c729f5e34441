import type { SlotKind } from '../../types';
import { matchingRegexes } from '../any-match';
import { mentionsAny, readingRule, type RiskRule, type RiskSignal, type RiskWord } from '../rule';

interface CommandPattern {
  id: string;
  label: string;
  /** Lower-case words one of which must occur before the pattern is tried. */
  words: RiskWord[];
  /** What the command looks like: a regex, or a test that cannot be one. */
  regex?: RegExp;
  test?(text: string): boolean;
}

/** `DELETE FROM t` up to the statement's end with no WHERE clause. */
function deleteWithoutWhere(text: string): boolean {
  const start = /\bdelete\s+from\s+[\w."`[\]]+/gi;
  for (let m = start.exec(text); m !== null; m = start.exec(text)) {
    const rest = text.slice(m.index + m[0].length, m.index + m[0].length + 400);
    const stop = rest.search(/;|\n\s*\n|```|$/);
    if (!/\bwhere\b/i.test(rest.slice(0, stop < 0 ? rest.length : stop))) return true;
  }
  return false;
}

const PATTERNS: CommandPattern[] = [
  { id: 'drop_database', words: ['drop'], label: 'DROP DATABASE', regex: /\bdrop\s+(?:database|schema)\b/i },
  { id: 'drop_table', words: ['drop'], label: 'DROP TABLE', regex: /\bdrop\s+table\b/i },
  { id: 'truncate_table', words: ['truncate'], label: 'TRUNCATE TABLE', regex: /\btruncate\s+table\b/i },
  { id: 'delete_without_where', words: ['delete'], label: 'DELETE without WHERE', test: deleteWithoutWhere },
  {
    id: 'rm_rf_root',
    words: ['rm '],
    label: 'rm -rf on / or a system or home directory',
    regex: /\brm\s+(?:-[a-zA-Z]*(?:rf|fr)[a-zA-Z]*|-r\s+-f|-f\s+-r|--recursive\s+--force|--force\s+--recursive)\s+(?:--no-preserve-root\s+)?["']?(?:\/\*?|~\/?\*?|\$HOME\/?|\/(?:etc|usr|var|home|boot|bin|lib|opt|root|srv)\/?)(?=["']?(?:\s|$|;|&|\|))/,
  },
  {
    id: 'kubectl_delete_production',
    words: ['kubectl'],
    label: 'kubectl delete on a production namespace',
    regex: /\bkubectl\b[^\n]*\bdelete\b[^\n]*(?:(?:-n|--namespace|--context)[=\s]+["']?(?:prod|production|prd|live)\b|--all-namespaces|\bnamespaces?\s+(?:prod|production|prd|live)\b)|\bkubectl\b[^\n]*(?:(?:-n|--namespace|--context)[=\s]+["']?(?:prod|production|prd|live)\b)[^\n]*\bdelete\b/i,
  },
  { id: 'terraform_destroy', words: ['destroy'], label: 'terraform destroy', regex: /\b(?:terraform|tofu|terragrunt)\s+(?:destroy\b|apply\b[^\n]*\s-destroy\b)/i },
  {
    id: 'iam_change',
    words: ['iam', 'role ', '"action"'],
    label: 'an IAM permission change',
    regex: /\baws\s+iam\s+(?:create|delete|attach|detach|put|update|add|remove|upload)-[\w-]+|\bgcloud\s+[\w\s-]*?(?:add|remove|set)-iam-policy(?:-binding)?\b|\baz\s+role\s+(?:assignment|definition)\s+(?:create|delete|update)\b|"Action"\s*:\s*"\*"[^}]{0,200}"Resource"\s*:\s*"\*"|"Resource"\s*:\s*"\*"[^}]{0,200}"Action"\s*:\s*"\*"/i,
  },
  { id: 'disk_wipe', words: ['mkfs', 'dd '], label: 'a disk wipe (mkfs, dd to a device)', regex: /\bmkfs(?:\.\w+)?\s+\/dev\/|\bdd\s+[^\n]*\bof=\/dev\/(?:sd|nvme|hd|xvd|disk)/i },
];


const WHERE: Record<SlotKind, string> = {
  system: 'the system prompt',
  user: 'the prompt',
  assistant: 'an earlier assistant turn',
  tool_result: 'a tool result',
  tool_call: 'a tool call',
  tool_definition: 'a tool definition',
  other: 'the request',
};

/** Destructive commands in text, tool calls or tool definitions: worth a human look before they run. */
export const dangerousCommandsRule: RiskRule = readingRule({
  id: 'dangerous_command',
  signals: PATTERNS.map((p) => `dangerous_command.${p.id}`),
  reader() {
    const hits = new Map<string, string>();
    return {
      read(t) {
        const candidates = PATTERNS.filter((p) => !hits.has(p.id) && mentionsAny(t, p.words));
        const matching = matchingRegexes(t.text, candidates.flatMap((p) => (p.regex ? [p.regex] : [])));
        for (const p of candidates) if (p.regex ? matching.has(p.regex) : p.test!(t.text)) hits.set(p.id, WHERE[t.kind]);
      },
      signals() {
        const signals: RiskSignal[] = [];
        let first = true;
        for (const p of PATTERNS) {
          const where = hits.get(p.id);
          if (!where) continue;
          signals.push({ id: `dangerous_command.${p.id}`, points: first ? 50 : 5, message: `dangerous command: ${p.label} in ${where}` });
          first = false;
        }
        return signals;
      },
    };
  },
});
