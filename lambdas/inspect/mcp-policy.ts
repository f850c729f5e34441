import * as z from '../shared/zod';
import type { Decision } from './types';

/**
 * The `mcp` section of airlock.policy.yaml: per-tool rules and how tool arguments are read.
 *
 * ```yaml
 * mcp:
 *   protected_namespaces: [prod, production]
 *   command_arguments: { sql: [sql, query], shell: [command, cmd] }
 *   tools:
 *     - tool: "db.*"              # glob over `<upstream>.<tool>`
 *       groups: [contractors]     # optional: only for callers in one of these groups
 *       arguments: { sql: "(?i)\\bcustomers\\b" }   # optional: every pattern must match its argument
 *       action: review            # allow | review | block
 *   tool_changes: { approvers_group: platform-admins, timeout_seconds: 86400 }   # optional
 *   upstreams:                    # optional: what an upstream may ask of the agent during a call
 *     research: { allow: [sampling, elicitation] }
 * ```
 * No rule matches: the risk engine decides. `block` and `review` raise the decision to at least
 * that; `allow` waives review but never a block (a detector set to block, or a score at `block_at`).
 */

const regexSource = z.string().check(
  z.minLength(1),
  z.refine((source) => {
    try {
      new RegExp(source.replace(/^\(\?i\)/, ''), 'u');
      return true;
    } catch {
      return false;
    }
  }, 'expected a valid regular expression'),
);

const toolRule = z.strictObject({
  tool: z.string().check(z.minLength(1)),
  groups: z.optional(z.array(z.string().check(z.minLength(1))).check(z.minLength(1))),
  arguments: z.optional(z.record(z.string(), regexSource)),
  action: z.enum(['allow', 'review', 'block']),
});

/** Requests an upstream may send the agent during one of its tool calls, relayed by the gateway. */
export const UPSTREAM_REQUEST_KINDS = ['sampling', 'elicitation'] as const;
export type UpstreamRequestKind = (typeof UPSTREAM_REQUEST_KINDS)[number];

const upstreamRules = z.strictObject({ allow: z._default(z.array(z.enum(UPSTREAM_REQUEST_KINDS)), []) });

export const mcpPolicySchema = z.strictObject({
  protected_namespaces: z.optional(z.array(z.string().check(z.minLength(1)))),
  /** Argument names parsed as SQL or shell, in any tool. */
  command_arguments: z.optional(z.strictObject({ sql: z.optional(z.array(z.string().check(z.minLength(1)))), shell: z.optional(z.array(z.string().check(z.minLength(1)))) })),
  tools: z._default(z.array(toolRule), []),
  /** Who approves an upstream's new or changed tools and how long they have; unset: the `defaults.approval` section. */
  tool_changes: z.optional(
    z.strictObject({
      approvers_group: z.optional(z.string().check(z.minLength(1))),
      timeout_seconds: z.optional(z.number().check(z.int(), z.gte(60), z.lte(365 * 24 * 3600))),
    }),
  ),
  /** Per upstream (by its registered name): sampling and elicitation are refused unless allowed here. */
  upstreams: z.optional(z.record(z.string().check(z.minLength(1)), upstreamRules)),
});

export type McpPolicy = z.infer<typeof mcpPolicySchema>;
export type McpToolRule = z.infer<typeof toolRule>;

export const DEFAULT_COMMAND_ARGUMENTS = {
  sql: ['sql', 'query', 'statement', 'statements'],
  shell: ['command', 'cmd', 'script', 'shell', 'commands'],
} as const;

/** The first rule, in file order, that applies to this caller, tool and arguments. */
export function matchToolRule(
  policy: McpPolicy | undefined,
  callerGroups: readonly string[],
  tool: string,
  args: Record<string, unknown>,
): McpToolRule | undefined {
  return policy?.tools.find(
    (rule) =>
      globMatch(rule.tool, tool) &&
      (!rule.groups || rule.groups.some((g) => callerGroups.includes(g))) &&
      Object.entries(rule.arguments ?? {}).every(([name, source]) => {
        const value = args[name];
        const text = typeof value === 'string' ? value : value === undefined ? undefined : JSON.stringify(value);
        return text !== undefined && patternOf(source).test(text);
      }),
  );
}

/** What `upstream` may ask of the agent during its tool calls (nothing unless the policy says so). */
export function allowedUpstreamRequests(policy: McpPolicy | undefined, upstream: string): readonly UpstreamRequestKind[] {
  return policy?.upstreams?.[upstream]?.allow ?? [];
}

/** The decision once a rule's action meets the risk engine's. */
export function combineDecision(risk: Decision, rule: McpToolRule | undefined): Decision {
  if (!rule) return risk;
  if (risk === 'block' || rule.action === 'block') return 'block';
  if (rule.action === 'allow') return 'allow';
  return 'review';
}

/** `(?i)` at the start makes a pattern case-insensitive (YAML has no regex flags). */
function patternOf(source: string): RegExp {
  return source.startsWith('(?i)') ? new RegExp(source.slice(4), 'iu') : new RegExp(source, 'u');
}

export function globMatch(glob: string, name: string): boolean {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`).test(name);
}
