import * as z from 'zod';
import { limitsPolicySchema, type LimitsPolicy } from './limits-policy';
import { mcpPolicySchema, type McpPolicy } from './mcp-policy';
import { BUILT_IN_DEFAULTS, mergeGroupPolicy } from './group-policy';

/**
 * The policy model and its schema. Parsing is pure (text in, typed policy out); reading the file
 * is the caller's job. An invalid policy throws a PolicyError naming the path and the reason.
 * This module knows no detector or rule: policy.ts adds the check that every name in the policy
 * exists, so a function that only reads the policy (the approval pages) carries no detectors.
 */

const action = z.enum(['mask', 'block', 'off']);

const findingType = z.string().regex(/^[a-z][a-z0-9_]{0,47}$/, 'expected a lower-case type name (letters, digits, _)');

const regexSource = z.string().min(1).refine((source) => {
  try {
    new RegExp(source, 'u');
    return true;
  } catch {
    return false;
  }
}, 'expected a valid regular expression');

/** Customer ids, project code names and the like: patterns and word lists from the policy file. */
const customSchema = z
  .object({
    patterns: z
      .array(
        z
          .object({
            type: findingType,
            pattern: regexSource,
            action: action.optional(),
            /** Longest match, so the stream masker knows how much to hold back. */
            max_length: z.number().int().min(1).max(200).optional(),
            ignore_case: z.boolean().optional(),
          })
          .strict(),
      )
      .default([]),
    words: z
      .array(
        z
          .object({
            type: findingType,
            words: z.array(z.string().min(2).max(100)).min(1),
            action: action.optional(),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

export type CustomDetectorsPolicy = z.infer<typeof customSchema>;

const groupPolicySchema = z
  .object({
    models: z.object({ allow: z.array(z.string().min(1)) }).strict(),
    /** Action per detector type (`aws_access_key_id`) or per category (`secret`, `pii`, `custom`). */
    detectors: z.record(z.string(), action),
    risk: z
      .object({
        review_at: z.number().min(0).max(100),
        block_at: z.number().min(0).max(101),
        keywords: z.record(z.string(), z.number()),
        max_prompt_chars: z.number().int().positive(),
        /** Points per risk signal id (`dangerous_command.drop_database`) or id prefix (`dangerous_command`). */
        signals: z.record(z.string(), z.number().min(0).max(100)).optional(),
      })
      .strict(),
    custom: customSchema.optional(),
    masking: z
      .object({
        /** PII becomes numbered placeholders (`<EMAIL_1>`) in the prompt, restored in what the caller gets back. */
        reversible_pii: z.boolean(),
      })
      .strict()
      .optional(),
    /** Binary attachments (images, PDFs, audio) cannot be inspected: `block` refuses requests carrying one. */
    attachments: z.enum(['allow', 'block']).optional(),
    approval: z
      .object({
        approvers_group: z.string().min(1),
        timeout_seconds: z.number().int().min(60).max(365 * 24 * 3600),
        self_approval: z.boolean(),
      })
      .strict(),
  })
  .strict();

export type GroupPolicy = z.infer<typeof groupPolicySchema>;

const partialGroupPolicySchema = z
  .object({
    models: groupPolicySchema.shape.models.partial(),
    detectors: groupPolicySchema.shape.detectors,
    risk: groupPolicySchema.shape.risk.partial(),
    approval: groupPolicySchema.shape.approval.partial(),
    custom: customSchema.partial(),
    masking: z.object({ reversible_pii: z.boolean() }).strict().partial(),
    attachments: groupPolicySchema.shape.attachments,
  })
  .partial()
  .strict();

export type PartialGroupPolicy = z.infer<typeof partialGroupPolicySchema>;

export { builtInGroupPolicy, detectorAction, mergeGroupPolicy } from './group-policy';

const policySchema = z
  .object({
    version: z.literal(1),
    access: z.object({ groups: z.array(z.string().min(1)).min(1) }).strict(),
    defaults: partialGroupPolicySchema.default({}),
    groups: z.record(z.string(), partialGroupPolicySchema).default({}),
    /** MCP gateway: per-tool rules and how tool arguments are parsed (mcp-policy.ts). */
    mcp: mcpPolicySchema.optional(),
    /** Requests per minute and tokens per day per caller and per group (limits-policy.ts). */
    limits: limitsPolicySchema.optional(),
  })
  .strict();

export interface Policy {
  version: 1;
  access: { groups: string[] };
  defaults: GroupPolicy;
  groups: Record<string, PartialGroupPolicy>;
  mcp?: McpPolicy;
  limits?: LimitsPolicy;
}

export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  constructor(
    readonly source: string,
    readonly issues: string[],
  ) {
    super(`invalid policy ${source}: ${issues.join('; ')}`);
  }
}

/** Checks the names a policy section uses (detectors, risk signals) against what exists; `merged` is the section over its defaults. */
export type SectionCheck = (merged: GroupPolicy, section: PartialGroupPolicy, path: string, source: string) => void;

/** The policy's structure, defaults and thresholds; names only through `checkSection` (policy.ts passes the registries' check). */
export function policyModelFromObject(raw: unknown, source = 'policy', checkSection?: SectionCheck): Policy {
  const result = policySchema.safeParse(raw);
  if (!result.success) {
    throw new PolicyError(
      source,
      result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${issueReason(i)}`),
    );
  }
  const p = result.data;
  const defaults = mergeGroupPolicy(BUILT_IN_DEFAULTS, p.defaults);
  assertThresholds(defaults, 'defaults', source);
  checkSection?.(defaults, p.defaults, 'defaults', source);
  for (const [name, override] of Object.entries(p.groups)) {
    const merged = mergeGroupPolicy(defaults, override);
    assertThresholds(merged, `groups.${name}`, source);
    checkSection?.(merged, override, `groups.${name}`, source);
  }
  return { version: 1, access: p.access, defaults, groups: p.groups, ...(p.mcp ? { mcp: p.mcp } : {}), ...(p.limits ? { limits: p.limits } : {}) };
}

/**
 * The policy for a caller: defaults, then every group section the caller belongs to, in file order.
 * Returns null when the caller is in none of `access.groups`.
 */
export function resolveGroupPolicy(policy: Policy, callerGroups: readonly string[]): GroupPolicy | null {
  if (!policy.access.groups.some((g) => callerGroups.includes(g))) return null;
  let merged = policy.defaults;
  for (const [name, override] of Object.entries(policy.groups)) {
    if (callerGroups.includes(name)) merged = mergeGroupPolicy(merged, override);
  }
  return merged;
}

/** A short reason for a schema issue: `expected number`, `unknown key 'foo'`. */
function issueReason(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return issue.message.toLowerCase();
  }
}

/** Shell-style match of a model id against the policy's allow list (`*` matches any run of characters). */
export function modelAllowed(gp: GroupPolicy, model: string): boolean {
  return gp.models.allow.some((pattern) => globToRegExp(pattern).test(model));
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

function assertThresholds(gp: GroupPolicy, path: string, source: string): void {
  if (gp.risk.review_at > gp.risk.block_at) {
    throw new PolicyError(source, [`${path}.risk.review_at: must not exceed block_at (${gp.risk.review_at} > ${gp.risk.block_at})`]);
  }
}
