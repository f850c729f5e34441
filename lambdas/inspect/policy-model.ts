import * as z from '../shared/zod';
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

const findingType = z.string().check(z.regex(/^[a-z][a-z0-9_]{0,47}$/, 'expected a lower-case type name (letters, digits, _)'));

const regexSource = z.string().check(
  z.minLength(1),
  z.refine((source) => {
    try {
      new RegExp(source, 'u');
      return true;
    } catch {
      return false;
    }
  }, 'expected a valid regular expression'),
);

/** Customer ids, project code names and the like: patterns and word lists from the policy file. */
const customSchema = z.strictObject({
  patterns: z._default(
    z.array(
      z.strictObject({
        type: findingType,
        pattern: regexSource,
        action: z.optional(action),
        /** Longest match, so the stream masker knows how much to hold back. */
        max_length: z.optional(z.number().check(z.int(), z.gte(1), z.lte(200))),
        ignore_case: z.optional(z.boolean()),
      }),
    ),
    [],
  ),
  words: z._default(
    z.array(
      z.strictObject({
        type: findingType,
        words: z.array(z.string().check(z.minLength(2), z.maxLength(100))).check(z.minLength(1)),
        action: z.optional(action),
      }),
    ),
    [],
  ),
});

export type CustomDetectorsPolicy = z.infer<typeof customSchema>;

const groupPolicySchema = z.strictObject({
  models: z.strictObject({ allow: z.array(z.string().check(z.minLength(1))) }),
  /** Action per detector type (`aws_access_key_id`) or per category (`secret`, `pii`, `custom`). */
  detectors: z.record(z.string(), action),
  risk: z.strictObject({
    review_at: z.number().check(z.gte(0), z.lte(100)),
    block_at: z.number().check(z.gte(0), z.lte(101)),
    keywords: z.record(z.string(), z.number()),
    max_prompt_chars: z.number().check(z.int(), z.positive()),
    /** Points per risk signal id (`dangerous_command.drop_database`) or id prefix (`dangerous_command`). */
    signals: z.optional(z.record(z.string(), z.number().check(z.gte(0), z.lte(100)))),
  }),
  custom: z.optional(customSchema),
  masking: z.optional(
    z.strictObject({
      /** PII becomes numbered placeholders (`<EMAIL_1>`) in the prompt, restored in what the caller gets back. */
      reversible_pii: z.boolean(),
    }),
  ),
  /** Binary attachments (images, PDFs, audio) cannot be inspected: `block` refuses requests carrying one. */
  attachments: z.optional(z.enum(['allow', 'block'])),
  approval: z.strictObject({
    approvers_group: z.string().check(z.minLength(1)),
    timeout_seconds: z.number().check(z.int(), z.gte(60), z.lte(365 * 24 * 3600)),
    self_approval: z.boolean(),
  }),
});

export type GroupPolicy = z.infer<typeof groupPolicySchema>;

const partialGroupPolicySchema = z.partial(
  z.strictObject({
    models: z.partial(groupPolicySchema.shape.models),
    detectors: groupPolicySchema.shape.detectors,
    risk: z.partial(groupPolicySchema.shape.risk),
    approval: z.partial(groupPolicySchema.shape.approval),
    custom: z.partial(customSchema),
    masking: z.partial(z.strictObject({ reversible_pii: z.boolean() })),
    attachments: groupPolicySchema.shape.attachments,
  }),
);

export type PartialGroupPolicy = z.infer<typeof partialGroupPolicySchema>;

export { builtInGroupPolicy, detectorAction, mergeGroupPolicy } from './group-policy';

const policySchema = z.strictObject({
  version: z.literal(1),
  access: z.strictObject({ groups: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)) }),
  defaults: z._default(partialGroupPolicySchema, {}),
  groups: z._default(z.record(z.string(), partialGroupPolicySchema), {}),
  /** MCP gateway: per-tool rules and how tool arguments are parsed (mcp-policy.ts). */
  mcp: z.optional(mcpPolicySchema),
  /** Requests per minute and tokens per day per caller and per group (limits-policy.ts). */
  limits: z.optional(limitsPolicySchema),
});

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

/** Compiled once per pattern: the allow list is checked on every request, and its patterns come from the policy, so the map stays small. */
const compiledGlobs = new Map<string, RegExp>();

function globToRegExp(glob: string): RegExp {
  let compiled = compiledGlobs.get(glob);
  if (!compiled) {
    const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
    compiled = new RegExp(`^${escaped}$`);
    compiledGlobs.set(glob, compiled);
  }
  return compiled;
}

function assertThresholds(gp: GroupPolicy, path: string, source: string): void {
  if (gp.risk.review_at > gp.risk.block_at) {
    throw new PolicyError(source, [`${path}.risk.review_at: must not exceed block_at (${gp.risk.review_at} > ${gp.risk.block_at})`]);
  }
}
