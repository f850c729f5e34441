import type { GroupPolicy, PartialGroupPolicy } from './policy-model';
import type { DetectorAction } from './types';

/**
 * A group's policy without its schema: the built-in defaults, merging a section over them, a
 * detector's action. What applying a policy needs; validating one (policy-model.ts) loads zod,
 * which `airlock scan` without a policy file does not need at start-up.
 */

export const BUILT_IN_DEFAULTS: GroupPolicy = {
  models: { allow: ['*'] },
  detectors: {},
  risk: { review_at: 50, block_at: 90, keywords: {}, max_prompt_chars: 100_000, signals: {} },
  approval: { approvers_group: 'approvers', timeout_seconds: 3600, self_approval: false },
  custom: { patterns: [], words: [] },
  masking: { reversible_pii: false },
};

/** The group policy of a policy file that sets nothing: the built-in defaults. */
export const builtInGroupPolicy = (): GroupPolicy => mergeGroupPolicy(BUILT_IN_DEFAULTS, {});

export function mergeGroupPolicy(base: GroupPolicy, o: PartialGroupPolicy): GroupPolicy {
  const merged: GroupPolicy = {
    models: { ...base.models, ...o.models },
    detectors: { ...base.detectors, ...o.detectors },
    risk: { ...base.risk, ...o.risk, keywords: { ...base.risk.keywords, ...o.risk?.keywords } },
    approval: { ...base.approval, ...o.approval },
  };
  if (base.risk.signals || o.risk?.signals) merged.risk.signals = { ...base.risk.signals, ...o.risk?.signals };
  if (base.custom || o.custom) {
    merged.custom = {
      patterns: mergeByType(base.custom?.patterns ?? [], o.custom?.patterns ?? []),
      words: mergeByType(base.custom?.words ?? [], o.custom?.words ?? []),
    };
  }
  if (base.masking || o.masking) merged.masking = { reversible_pii: false, ...base.masking, ...o.masking };
  const attachments = o.attachments ?? base.attachments;
  if (attachments) merged.attachments = attachments;
  return merged;
}

/** A group's custom entry replaces the defaults' entry of the same type; new types are added. */
function mergeByType<T extends { type: string }>(base: readonly T[], override: readonly T[]): T[] {
  const types = new Set(override.map((e) => e.type));
  return [...base.filter((e) => !types.has(e.type)), ...override];
}

export function detectorAction(gp: GroupPolicy, type: string, category: string, fallback: DetectorAction): DetectorAction {
  return gp.detectors[type] ?? gp.detectors[category] ?? fallback;
}
