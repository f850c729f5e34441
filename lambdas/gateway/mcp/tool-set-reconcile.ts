import type { RiskReason } from '../../inspect/types';
import type { ApprovalStatus } from '../../store/approval-types';
import type { PinnedTool, QuarantinedDefinition, UpstreamToolSet } from '../../store/tool-pin-types';
import { toolChangeApprovalId } from './tool-change-approvals';
import type { ToolSetChange } from './tool-set-events';

/** One tool as the upstream lists it now, fingerprinted and scored. */
export interface ListedTool {
  name: string;
  fingerprint: string;
  /** Tool-poisoning reasons (messages masked); `poisoned` at or above the quarantine score. */
  poisoned: boolean;
  poisoning: RiskReason[];
  score: number;
  /** The masked definition, cut to a budget, for admins. */
  definition: string;
}

/** How an upstream is pinned: fingerprints in config, and whether its first listing is trusted as the baseline. */
export interface PinningSettings {
  name: string;
  pins?: Readonly<Record<string, string>>;
  /** Default true: the first listing is the baseline. False: every tool not pinned in config is held, the first listing too. */
  trustOnFirstUse?: boolean;
}

/** An approval to ask for once the new tool set is stored. */
export interface ApprovalToRequest {
  id: string;
  tool: string;
  quarantined: QuarantinedDefinition;
  previous?: { fingerprint: string; definition: string };
}

export interface Reconciled {
  next: UpstreamToolSet;
  /** Whether `next` differs from what is stored (it must be written). */
  dirty: boolean;
  /** Names of the listed tools that may be shown and called. */
  visible: Set<string>;
  changes: ToolSetChange[];
  requests: ApprovalToRequest[];
}

const APPROVED: readonly (ApprovalStatus | undefined)[] = ['approved', 'completed'];
const ASK_AGAIN: readonly (ApprovalStatus | undefined)[] = ['expired', 'failed'];

/**
 * The tool set after this listing, decided from what is stored (pure). A tool is visible when the
 * upstream lists exactly the accepted definition: the first listing's baseline (unless a definition
 * is poisoned or the upstream does not trust on first use), a pin in config, or an admin's approval.
 * Anything else is held: a new tool, a changed definition, a definition that disagrees with its pin.
 * A tool no longer listed is removed from the set, so coming back (or a rename) is a new tool.
 */
export function reconcileToolSet(input: {
  stored: UpstreamToolSet | undefined;
  listed: readonly ListedTool[];
  upstream: PinningSettings;
  now: string;
  /** Statuses of the approvals the stored set points at (undefined: the approval does not exist). */
  approvalStatus: ReadonlyMap<string, ApprovalStatus | undefined>;
  /** Whether approvals can be asked for (unset: a held tool waits for a pin in config). */
  approvals: boolean;
}): Reconciled {
  const { stored, listed, upstream, now } = input;
  const tools: Record<string, PinnedTool> = {};
  const visible = new Set<string>();
  const changes: ToolSetChange[] = [];
  const requests: ApprovalToRequest[] = [];
  const up = upstream.name;
  const listedNames = new Set(listed.map((t) => t.name));
  const removed = Object.keys(stored?.tools ?? {}).filter((name) => !listedNames.has(name));
  let dirty = !stored;

  for (const tool of listed) {
    const entry = stored?.tools[tool.name];
    const pin = upstream.pins?.[tool.name];
    const hold = (reasons: RiskReason[], askApproval: boolean) => {
      const same = entry?.quarantined?.fingerprint === tool.fingerprint ? entry.quarantined : undefined;
      const quarantined: QuarantinedDefinition = same ?? {
        fingerprint: tool.fingerprint,
        change: entry?.accepted ? 'changed' : 'added',
        since: now,
        reasons: reasons.slice(0, 50),
        definition: tool.definition,
      };
      if (!same) {
        dirty = true;
        changes.push({ kind: 'quarantined', upstream: up, tool: tool.name, fingerprint: tool.fingerprint, ...(entry?.accepted ? { previousFingerprint: entry.accepted.fingerprint } : {}), reasonIds: reasons.map((r) => r.id) });
      }
      if (askApproval && input.approvals) {
        const status = quarantined.approvalId ? input.approvalStatus.get(quarantined.approvalId) : undefined;
        const missing = quarantined.approvalId !== undefined && status === undefined;
        if (!quarantined.approvalId || missing || ASK_AGAIN.includes(status)) {
          const id = missing ? quarantined.approvalId! : toolChangeApprovalId(up, tool.name, tool.fingerprint, quarantined.approvalId);
          if (id !== quarantined.approvalId) dirty = true;
          const asked = { ...quarantined, approvalId: id };
          requests.push({ id, tool: tool.name, quarantined: asked, ...(entry?.accepted ? { previous: { fingerprint: entry.accepted.fingerprint, definition: entry.accepted.definition } } : {}) });
          tools[tool.name] = { ...(entry?.accepted ? { accepted: entry.accepted } : {}), quarantined: asked };
          return;
        }
      }
      tools[tool.name] = { ...(entry?.accepted ? { accepted: entry.accepted } : {}), quarantined };
    };
    const accept = (by: 'baseline' | 'pinned' | 'approved', approvalId?: string) => {
      tools[tool.name] = { accepted: { fingerprint: tool.fingerprint, by, at: now, definition: tool.definition, ...(approvalId ? { approvalId } : {}) } };
      visible.add(tool.name);
      dirty = true;
      changes.push({ kind: by === 'approved' ? 'approved' : 'accepted', upstream: up, tool: tool.name, fingerprint: tool.fingerprint, by, ...(entry?.accepted && entry.accepted.fingerprint !== tool.fingerprint ? { previousFingerprint: entry.accepted.fingerprint } : {}), ...(approvalId ? { approvalId } : {}) });
    };

    if (pin !== undefined) {
      if (pin === tool.fingerprint) {
        if (entry?.accepted?.fingerprint === pin && entry.accepted.by === 'pinned' && !entry.quarantined) {
          tools[tool.name] = entry;
          visible.add(tool.name);
        } else accept('pinned');
      } else {
        hold([{ id: 'tool_pinning.pin_mismatch', points: 0, message: `the fingerprint pinned in config (${pin.slice(0, 12)}…) differs from the definition listed now (${tool.fingerprint.slice(0, 12)}…): update the pin to accept it` }, ...tool.poisoning], false);
      }
      continue;
    }
    if (entry?.accepted?.fingerprint === tool.fingerprint) {
      tools[tool.name] = { accepted: entry.accepted };
      visible.add(tool.name);
      if (entry.quarantined) {
        dirty = true;
        changes.push({ kind: 'restored', upstream: up, tool: tool.name, fingerprint: tool.fingerprint, previousFingerprint: entry.quarantined.fingerprint });
      }
      continue;
    }
    const held = entry?.quarantined?.fingerprint === tool.fingerprint ? entry.quarantined : undefined;
    if (held?.approvalId && APPROVED.includes(input.approvalStatus.get(held.approvalId))) {
      accept('approved', held.approvalId);
      continue;
    }
    if (!held && !stored && upstream.trustOnFirstUse !== false && !tool.poisoned) {
      accept('baseline');
      continue;
    }
    hold(held ? held.reasons : changeReasons(tool, entry, stored, removed, upstream), true);
  }
  for (const name of removed) {
    const entry = stored!.tools[name]!;
    dirty = true;
    changes.push({ kind: 'removed', upstream: up, tool: name, ...(entry.accepted ? { previousFingerprint: entry.accepted.fingerprint } : entry.quarantined ? { previousFingerprint: entry.quarantined.fingerprint } : {}) });
  }
  const next: UpstreamToolSet = {
    upstream: up,
    version: (stored?.version ?? 0) + 1,
    baselineAt: stored?.baselineAt ?? now,
    updatedAt: dirty ? now : (stored?.updatedAt ?? now),
    tools,
  };
  return { next, dirty, visible, changes, requests };
}

/** Why a tool not seen before with this definition is held, readable by an admin. */
function changeReasons(tool: ListedTool, entry: PinnedTool | undefined, stored: UpstreamToolSet | undefined, removed: readonly string[], upstream: PinningSettings): RiskReason[] {
  const reasons: RiskReason[] = [...tool.poisoning];
  if (entry?.accepted) {
    reasons.push({
      id: 'tool_pinning.changed',
      points: 0,
      message: `the definition changed since it was accepted (${entry.accepted.by}, ${entry.accepted.at}): fingerprint ${entry.accepted.fingerprint.slice(0, 12)}… is now ${tool.fingerprint.slice(0, 12)}…`,
    });
  } else if (stored) {
    const renamed = removed.length ? `; in the same listing the upstream stopped listing ${removed.map((n) => `"${n}"`).join(', ')} (a rename is a removal and a new tool)` : '';
    reasons.push({ id: 'tool_pinning.added', points: 0, message: `a tool the upstream did not list before${renamed}` });
  } else if (upstream.trustOnFirstUse === false) {
    reasons.push({ id: 'tool_pinning.not_pinned', points: 0, message: 'this upstream trusts no first listing, and the tool is not pinned in config' });
  } else {
    reasons.push({ id: 'tool_pinning.first_listing_poisoned', points: 0, message: 'listed in the first tool list of this upstream, but its definition looks poisoned, so it was not taken into the baseline' });
  }
  return reasons;
}
