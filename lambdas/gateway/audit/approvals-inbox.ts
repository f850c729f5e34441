import * as z from '../../shared/zod';
import type { Principal } from '../../auth/principal';
import { resolveGroupPolicy, type Policy } from '../../inspect/policy-model';
import { forbidden } from '../../shared/errors';
import type { SessionRecord } from '../../store/types';
import { sendJson, type GatewayRequest, type ResponseSink } from '../http';
import type { GatewayDeps } from '../ports';
import { AUDITORS_GROUP } from './access';
import { auditQueries, auditStoreCall, type AuditDeps } from './audit-deps';
import { fromParam, pageParams, parseQuery, toParam } from './query-params';

const APPROVAL_STATUSES = ['pending', 'approved', 'denied', 'expired'] as const;

const inboxParams = {
  ...pageParams,
  status: z._default(z.enum(APPROVAL_STATUSES, { error: `must be one of ${APPROVAL_STATUSES.join(', ')}` }), 'pending'),
  from: fromParam,
  to: toParam,
};

/**
 * `GET /v1/airlock/approvals?status=pending`: the approvers' inbox, newest first, read from the
 * status index. An approver sees the requests their group approves (never their own, unless the
 * policy allows self-approval); an auditor sees them all; anyone else is refused.
 */
export async function approvalsInbox(deps: GatewayDeps, req: GatewayRequest, sink: ResponseSink): Promise<void> {
  const page = await inboxPage(deps, req.principal!, req.query);
  await sendJson(sink, 200, { object: 'list', data: page.data, next_cursor: page.nextCursor ?? null });
}

/** The inbox's entries for a principal (API and console): refused to anyone neither approver nor auditor. */
export async function inboxPage(deps: AuditDeps, principal: Principal, query: Record<string, string>): Promise<{ data: InboxEntry[]; nextCursor?: string }> {
  const auditor = principal.groups.includes(AUDITORS_GROUP);
  if (!auditor && !approverGroups(deps.policy).some((g) => principal.groups.includes(g))) {
    throw forbidden('The approvals inbox needs an approvers group or the auditors group.');
  }
  const queries = auditQueries(deps);
  const params = parseQuery(query, inboxParams);
  const page = await auditStoreCall(() =>
    queries.listSessions(
      { status: params.status, ...(params.from ? { from: params.from } : {}), ...(params.to ? { to: params.to } : {}) },
      { limit: params.limit, ...(params.cursor ? { cursor: params.cursor } : {}) },
    ),
  );
  const data = page.items.map((record) => inboxEntry(deps.policy, record)).filter((entry) => auditor || mayDecide(principal, entry));
  return { data, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

export interface InboxEntry {
  id: string;
  createdAt: string;
  status: SessionRecord['status'];
  principal: SessionRecord['principal'];
  route: string;
  model?: string;
  risk: SessionRecord['risk'] | null;
  findingCounts: Record<string, number>;
  approval: SessionRecord['approval'] | null;
  /** The group whose members may decide, per the requester's policy. */
  approvers_group: string;
  self_approval: boolean;
  /** When the approval times out, per the requester's policy. */
  decide_by: string;
}

function inboxEntry(policy: Policy, record: SessionRecord): InboxEntry {
  const approval = (resolveGroupPolicy(policy, record.principal.groups) ?? policy.defaults).approval;
  return {
    id: record.id,
    createdAt: record.createdAt,
    status: record.status,
    principal: record.principal,
    route: record.route,
    ...(record.model ? { model: record.model } : {}),
    risk: record.risk ?? null,
    findingCounts: record.findingCounts,
    approval: record.approval ?? null,
    approvers_group: approval.approvers_group,
    self_approval: approval.self_approval,
    decide_by: new Date(Date.parse(record.createdAt) + approval.timeout_seconds * 1000).toISOString(),
  };
}

/** Whether this principal may decide on the entry: in its approvers group, and not the requester unless self-approval is on. */
export function mayDecide(principal: Principal, entry: InboxEntry): boolean {
  const own = entry.principal.issuer === principal.issuer && entry.principal.sub === principal.sub;
  return principal.groups.includes(entry.approvers_group) && (entry.self_approval || !own);
}

export function approverGroups(policy: Policy): string[] {
  const groups = new Set([policy.defaults.approval.approvers_group]);
  for (const section of Object.values(policy.groups)) if (section.approval?.approvers_group) groups.add(section.approval.approvers_group);
  return [...groups];
}

/**
 * The latest decided requests (approved, denied or expired; answered ones included) the principal
 * could have decided, newest first: the approvers' "recent decisions". Auditors see them all.
 */
export async function recentDecisions(deps: AuditDeps, principal: Principal, limit = 20): Promise<InboxEntry[]> {
  const auditor = principal.groups.includes(AUDITORS_GROUP);
  if (!auditor && !approverGroups(deps.policy).some((g) => principal.groups.includes(g))) {
    throw forbidden('Recent decisions need an approvers group or the auditors group.');
  }
  const page = await auditStoreCall(() => auditQueries(deps).listSessions({ decision: 'review' }, { limit: 100 }));
  return page.items
    .filter((record) => record.approval?.decision)
    .map((record) => inboxEntry(deps.policy, record))
    .filter((entry) => auditor || principal.groups.includes(entry.approvers_group))
    .slice(0, limit);
}
