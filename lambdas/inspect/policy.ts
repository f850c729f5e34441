import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { DetectorAction } from './types';

/**
 * The policy model and its schema. Parsing is pure (text in, typed policy out); reading the file
 * is the caller's job. An invalid policy throws a PolicyError naming the path and the reason.
 */

const action = z.enum(['mask', 'block', 'off']);

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
      })
      .strict(),
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
  })
  .partial()
  .strict();

export type PartialGroupPolicy = z.infer<typeof partialGroupPolicySchema>;

const BUILT_IN_DEFAULTS: GroupPolicy = {
  models: { allow: ['*'] },
  detectors: {},
  risk: { review_at: 50, block_at: 90, keywords: {}, max_prompt_chars: 100_000 },
  approval: { approvers_group: 'approvers', timeout_seconds: 3600, self_approval: false },
};

const policySchema = z
  .object({
    version: z.literal(1),
    access: z.object({ groups: z.array(z.string().min(1)).min(1) }).strict(),
    defaults: partialGroupPolicySchema.default({}),
    groups: z.record(z.string(), partialGroupPolicySchema).default({}),
  })
  .strict();

export interface Policy {
  version: 1;
  access: { groups: string[] };
  defaults: GroupPolicy;
  groups: Record<string, PartialGroupPolicy>;
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

export function parsePolicy(text: string, source = 'airlock.policy.yaml'): Policy {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new PolicyError(source, [`not valid YAML (${(err as Error).message.split('\n')[0]})`]);
  }
  return policyFromObject(raw, source);
}

export function policyFromObject(raw: unknown, source = 'policy'): Policy {
  const result = policySchema.safeParse(raw);
  if (!result.success) {
    throw new PolicyError(
      source,
      result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message.toLowerCase()}`),
    );
  }
  const p = result.data;
  const defaults = mergeGroupPolicy(BUILT_IN_DEFAULTS, p.defaults);
  assertThresholds(defaults, 'defaults', source);
  for (const [name, override] of Object.entries(p.groups)) {
    assertThresholds(mergeGroupPolicy(defaults, override), `groups.${name}`, source);
  }
  return { version: 1, access: p.access, defaults, groups: p.groups };
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

export function mergeGroupPolicy(base: GroupPolicy, o: PartialGroupPolicy): GroupPolicy {
  return {
    models: { ...base.models, ...o.models },
    detectors: { ...base.detectors, ...o.detectors },
    risk: { ...base.risk, ...o.risk, keywords: { ...base.risk.keywords, ...o.risk?.keywords } },
    approval: { ...base.approval, ...o.approval },
  };
}

/** Shell-style match of a model id against the policy's allow list (`*` matches any run of characters). */
export function modelAllowed(gp: GroupPolicy, model: string): boolean {
  return gp.models.allow.some((pattern) => globToRegExp(pattern).test(model));
}

export function detectorAction(gp: GroupPolicy, type: string, category: string, fallback: DetectorAction): DetectorAction {
  return gp.detectors[type] ?? gp.detectors[category] ?? fallback;
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
