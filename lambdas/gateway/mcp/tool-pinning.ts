import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Principal } from '../../auth/principal';
import { scoreToolDefinition } from '../../inspect/tool-poisoning/score';
import type { Inspector, RiskReason } from '../../inspect/types';
import { errorForLog } from '../../shared/logger';
import type { ApprovalStatus } from '../../store/approval-types';
import type { ToolPinStore, UpstreamToolSet } from '../../store/tool-pin-types';
import type { GatewayDeps } from '../ports';
import { SessionRecorder } from '../session-recorder';
import { toolChangeRequester, type ToolChangeApprovals } from './tool-change-approvals';
import { toolFingerprint } from './tool-fingerprint';
import { maskToolValue } from './tool-inspection';
import { reconcileToolSet, type ApprovalToRequest, type ListedTool, type PinningSettings, type Reconciled } from './tool-set-reconcile';
import { publishToolSetEvents, type ToolSetEvent, type ToolSetEventPublisher } from './tool-set-events';

/** What pinning needs besides the gateway's records: the tool-set store, the approvals, the event bus. */
export interface ToolPinningPorts {
  store: ToolPinStore;
  /** Unset: a held tool stays held until it is pinned in config. */
  approvals?: ToolChangeApprovals;
  events?: ToolSetEventPublisher;
}

/** The route of the session records of tool-set changes. */
export const TOOL_SET_ROUTE = 'mcp:tools';

export type CallAdmission = { allowed: true } | { allowed: false; reasons: string[]; head: string };

const PREVIOUS_CHARS = 8000;
const CURRENT_CHARS = 8000;
const SET_BUDGET_CHARS = 200_000;
const MAX_ATTEMPTS = 4;

/**
 * Pinned tools: every listing of an upstream is fingerprinted and scored for poisoning, compared
 * with the stored tool set, and only accepted definitions pass. Changes are stored (first writer
 * wins, retried over the new version), recorded as `mcp:tools` sessions, published as events, and
 * a held tool gets a tool-change approval.
 */
export class ToolPinning {
  constructor(
    private readonly deps: GatewayDeps,
    private readonly ports: ToolPinningPorts,
    private readonly inspector: Inspector,
  ) {}

  /** The tools of this listing that may be shown (the upstream's own definitions, in its order). */
  async admit(upstream: PinningSettings, tools: readonly Tool[], observer: Principal): Promise<Tool[]> {
    const listed = this.fingerprinted(tools);
    let result: Reconciled | undefined;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const stored = await this.ports.store.get(upstream.name);
      result = reconcileToolSet({
        stored,
        listed,
        upstream,
        now: new Date(this.deps.clock.now()).toISOString(),
        approvalStatus: await this.approvalStatuses(stored),
        approvals: this.ports.approvals !== undefined,
      });
      if (!result.dirty) break;
      if (await this.ports.store.put(result.next)) {
        await this.afterChange(upstream.name, result, observer);
        break;
      }
      // Another instance stored a change first: decide again over what it wrote.
      if (attempt === MAX_ATTEMPTS - 1) this.deps.logger.warn('mcp tool set not stored after retries; showing what was accepted', { upstream: upstream.name });
    }
    return tools.filter((t) => result!.visible.has(t.name));
  }

  /**
   * Whether a `tools/call` may go to this tool: it must be in the accepted set with no held
   * definition pending. A tool never listed is listed first (`listTools`); a held tool whose
   * approval came through is accepted by a fresh listing.
   */
  async admitCall(upstream: PinningSettings, tool: string, observer: Principal, listTools: () => Promise<Tool[]>): Promise<CallAdmission> {
    let set = await this.ports.store.get(upstream.name);
    let entry = set?.tools[tool];
    const held = entry?.quarantined;
    const approved = held?.approvalId && this.ports.approvals ? isApproved(await this.ports.approvals.status(held.approvalId)) : false;
    if (!entry || approved) {
      await this.admit(upstream, await listTools(), observer);
      set = await this.ports.store.get(upstream.name);
      entry = set?.tools[tool];
    }
    if (!entry) return { allowed: false, head: `Airlock refused this tool call: upstream "${upstream.name}" does not list the tool "${tool}".`, reasons: [] };
    const pin = upstream.pins?.[tool];
    if (entry.quarantined) return this.heldRefusal(upstream.name, tool, entry.quarantined, set!);
    if (pin !== undefined && entry.accepted?.fingerprint !== pin) {
      return { allowed: false, head: `Airlock refused this tool call: "${upstream.name}.${tool}" is pinned in config to another definition than the one accepted; list the tools again.`, reasons: [] };
    }
    return { allowed: true };
  }

  private async heldRefusal(upstream: string, tool: string, held: NonNullable<UpstreamToolSet['tools'][string]['quarantined']>, _set: UpstreamToolSet): Promise<CallAdmission> {
    const status = held.approvalId && this.ports.approvals ? await this.ports.approvals.status(held.approvalId) : undefined;
    const what = held.change === 'added' ? 'a new tool' : 'its definition changed';
    const next =
      status === 'denied'
        ? `An admin denied it (approval ${held.approvalId}); it stays refused until its definition changes again or it is pinned in config.`
        : held.approvalId && status === 'pending'
          ? `It waits for an admin's approval (approval ${held.approvalId}), or a pin in config.`
          : 'It stays refused until an admin approves it or it is pinned in config.';
    return {
      allowed: false,
      head: `Airlock refused this tool call: "${upstream}.${tool}" is quarantined (${what}, held since ${held.since}). ${next}`,
      reasons: held.reasons.map((r) => r.message),
    };
  }

  private fingerprinted(tools: readonly Tool[]): ListedTool[] {
    const budget = Math.max(500, Math.min(4000, Math.floor(SET_BUDGET_CHARS / Math.max(1, tools.length))));
    return tools.map((tool) => {
      const assessment = scoreToolDefinition(tool);
      return {
        name: tool.name,
        fingerprint: toolFingerprint(tool),
        poisoned: assessment.poisoned,
        score: assessment.score,
        // Reasons quote the upstream's text: masked like the definition itself.
        poisoning: assessment.reasons.map((r) => ({ ...r, message: this.inspector.maskText(r.message).masked })),
        definition: this.definitionText(tool, budget),
      };
    });
  }

  private definitionText(tool: Tool, chars: number): string {
    const text = JSON.stringify(maskToolValue(this.inspector, tool).value, null, 2);
    return text.length > chars ? `${text.slice(0, chars)}\n… (cut; ${text.length} characters in all)` : text;
  }

  private async approvalStatuses(stored: UpstreamToolSet | undefined): Promise<Map<string, ApprovalStatus | undefined>> {
    const out = new Map<string, ApprovalStatus | undefined>();
    const approvals = this.ports.approvals;
    if (!stored || !approvals) return out;
    const ids = Object.values(stored.tools).flatMap((t) => (t.quarantined?.approvalId ? [t.quarantined.approvalId] : []));
    await Promise.all(ids.map(async (id) => out.set(id, await approvals.status(id))));
    return out;
  }

  /** Records the change (one `mcp:tools` session, one per held tool for its approval), asks for approvals, publishes events. */
  private async afterChange(upstream: string, result: Reconciled, observer: Principal): Promise<void> {
    const time = new Date(this.deps.clock.now()).toISOString();
    const observedBy = { issuer: observer.issuer, sub: observer.sub };
    const events: ToolSetEvent[] = [];
    if (result.changes.length) {
      const session = await this.record(upstream, upstream, {
        decision: result.changes.some((c) => c.kind === 'quarantined') ? 'review' : 'allow',
        reasons: [],
        request: { upstream, observedBy },
        response: { changes: result.changes },
      });
      for (const change of result.changes) events.push({ ...change, time, sessionId: session.id });
      this.deps.logger.info('mcp tool set changed', { upstream, changes: result.changes.map((c) => `${c.kind}:${c.tool}`).join(', ').slice(0, 500) });
    }
    for (const request of result.requests) await this.requestApproval(upstream, request, observedBy);
    await publishToolSetEvents(this.ports.events, this.deps.logger, events);
  }

  private async requestApproval(upstream: string, request: ApprovalToRequest, observedBy: { issuer: string; sub: string }): Promise<void> {
    const approvals = this.ports.approvals!;
    try {
      if ((await approvals.status(request.id)) !== undefined) return;
      const q = request.quarantined;
      const subject = {
        kind: 'tool-change' as const,
        upstream,
        tool: request.tool,
        change: q.change,
        fingerprint: q.fingerprint,
        ...(request.previous ? { previousFingerprint: request.previous.fingerprint, previous: request.previous.definition.slice(0, PREVIOUS_CHARS) } : {}),
        current: q.definition.slice(0, CURRENT_CHARS),
      };
      const score = Math.min(100, q.reasons.reduce((sum, r) => sum + r.points, 0));
      const session = await this.record(upstream, `${upstream}.${request.tool}`, {
        decision: 'review',
        reasons: q.reasons,
        status: 'pending',
        request: { upstream, tool: request.tool, change: q.change, observedBy, previous: request.previous?.definition ?? null, current: q.definition },
        response: { approvalId: request.id, reasons: q.reasons },
      });
      if (!session.transcriptKey || !session.transcriptSha256) return;
      await approvals.request({
        id: request.id,
        sessionId: session.id,
        sessionCreatedAt: session.createdAt,
        requestKey: session.transcriptKey,
        requestSha256: session.transcriptSha256,
        subject,
        reasons: q.reasons,
        score,
      });
    } catch (err) {
      // The tool stays held; the next listing asks again (the stored approval id is missing then).
      this.deps.logger.error('tool-change approval could not be requested', { upstream, tool: request.tool, approvalId: request.id, error: errorForLog(err) });
    }
  }

  private async record(
    upstream: string,
    model: string,
    content: { decision: 'allow' | 'review'; reasons: RiskReason[]; status?: 'pending'; request: unknown; response: unknown },
  ) {
    const { deps } = this;
    const recorder = new SessionRecorder(
      deps,
      { id: deps.newId(), principal: { ...toolChangeRequester(upstream), claims: {} }, route: TOOL_SET_ROUTE, createdAt: new Date(deps.clock.now()) },
      deps.clock.monotonic(),
      deps.clock.monotonic,
    );
    return recorder.finish(
      {
        model,
        decision: content.decision,
        status: content.status ?? 'completed',
        ...(content.status === 'pending' ? { errorCode: 'tool_quarantined' } : {}),
        risk: { score: Math.min(100, content.reasons.reduce((s, r) => s + r.points, 0)), reasons: content.reasons },
      },
      { request: content.request, response: content.response },
    );
  }
}

const isApproved = (status: ApprovalStatus | undefined) => status === 'approved' || status === 'completed';
