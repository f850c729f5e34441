/**
 * What Airlock has seen of one upstream's tools: per tool the accepted fingerprint (the baseline,
 * an admin's approval or a pin in config) and, when the upstream now lists something else, the
 * quarantined one. One record per upstream, written with optimistic concurrency (`version`).
 */
export interface UpstreamToolSet {
  upstream: string;
  /** 1 for the first write, +1 for each later one: `put` succeeds only over `version - 1`. */
  version: number;
  /** When the first tool list of this upstream was recorded as the baseline. */
  baselineAt: string;
  updatedAt: string;
  tools: Record<string, PinnedTool>;
}

export type AcceptedBy = 'baseline' | 'approved' | 'pinned';

export interface AcceptedDefinition {
  fingerprint: string;
  by: AcceptedBy;
  at: string;
  approvalId?: string;
  /** The definition as accepted, masked and cut to a budget: what an admin compares a change with. */
  definition: string;
}

export interface QuarantinedDefinition {
  fingerprint: string;
  /** `added`: a tool never accepted; `changed`: its definition differs from the accepted one. */
  change: 'added' | 'changed';
  since: string;
  /** Why it is held (poisoning reasons, or only the change itself), readable. */
  reasons: Array<{ id: string; points: number; message: string }>;
  /** The tool-change approval asked for it, once created. */
  approvalId?: string;
  definition: string;
}

export interface PinnedTool {
  accepted?: AcceptedDefinition;
  quarantined?: QuarantinedDefinition;
}

export interface ToolPinStore {
  /** Consistent read; undefined before the upstream's first listing. */
  get(upstream: string): Promise<UpstreamToolSet | undefined>;
  /** Writes `set` only if the stored version is `set.version - 1` (nothing stored for version 1): first writer wins, false otherwise. */
  put(set: UpstreamToolSet): Promise<boolean>;
}
