import type { Principal } from '../../auth/principal';
import type { Policy } from '../../inspect/policy-model';
import { resolveGroupPolicy } from '../../inspect/policy-model';
import { forbidden } from '../../shared/errors';
import type { SessionRecord } from '../../store/types';

/** The group whose members read every session (ARCHITECTURE.md, Identity). */
export const AUDITORS_GROUP = 'auditors';

/** What a caller may read of the session record. */
export type AuditAccess =
  | { scope: 'all' }
  /** A requester: their own sessions only, matched on issuer and sub (the same sub may exist at two issuers). */
  | { scope: 'own'; issuer: string; sub: string };

/**
 * Auditors read everything; a caller the policy lets use the gateway reads their own sessions;
 * anyone else is refused.
 */
export function auditAccess(policy: Policy, principal: Principal): AuditAccess {
  if (principal.groups.includes(AUDITORS_GROUP)) return { scope: 'all' };
  if (resolveGroupPolicy(policy, principal.groups)) return { scope: 'own', issuer: principal.issuer, sub: principal.sub };
  throw forbidden('Reading sessions needs the auditors group, or a gateway user reading their own sessions.');
}

export function mayRead(access: AuditAccess, record: SessionRecord): boolean {
  return access.scope === 'all' || (record.principal.issuer === access.issuer && record.principal.sub === access.sub);
}
