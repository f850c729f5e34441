import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import type { GroupMapping } from '../shared/config';
import { invalidToken } from '../shared/errors';
import type { Principal } from './principal';

/** How one issuer's verified claims become groups. */
export interface GroupSource {
  /** Claim holding the caller's groups: a top-level name (`cognito:groups`) or a dotted path (`realm_access.roles`). */
  groupsClaim: string;
  /** Granted to every token of the issuer. */
  groups?: readonly string[];
  groupMappings?: readonly GroupMapping[];
}

/** Non-secret claims worth keeping in the session record for audit (CI provenance, client, scopes). */
const AUDIT_CLAIMS = [
  'aud', 'azp', 'client_id', 'scope', 'token_use', 'username', 'cognito:username', 'jti', 'iat', 'exp',
  'repository', 'repository_owner', 'ref', 'workflow', 'run_id', 'actor', 'environment',
  'project_path', 'namespace_path', 'pipeline_id', 'job_id', 'user_login',
];
const MAX_CLAIM_CHARS = 256;

/** A verified payload → the Principal policy sees. Call only after the signature and claims are verified. */
export function principalFromClaims(payload: JwtPayload, source: GroupSource): Principal {
  if (typeof payload.sub !== 'string' || !payload.sub) throw invalidToken('The bearer token has no subject (sub).');
  if (typeof payload.iss !== 'string') throw invalidToken('The bearer token has no issuer (iss).');
  const email = typeof payload.email === 'string' && payload.email_verified !== false ? payload.email : undefined;
  const clientId = firstString(payload.client_id) ?? firstString(payload.azp);
  return {
    issuer: payload.iss,
    sub: payload.sub,
    ...(email ? { email } : {}),
    groups: groupsOf(payload, source),
    ...(clientId ? { clientId } : {}),
    claims: auditClaims(payload, source),
  };
}

export function groupsOf(payload: JwtPayload, source: GroupSource): string[] {
  const groups = new Set<string>(groupsClaimValues(claimAt(payload, source.groupsClaim)));
  for (const g of source.groups ?? []) groups.add(g);
  for (const mapping of source.groupMappings ?? []) {
    if (mappingMatches(payload, mapping)) for (const g of mapping.groups) groups.add(g);
  }
  return [...groups];
}

function mappingMatches(payload: JwtPayload, mapping: GroupMapping): boolean {
  return Object.entries(mapping.when).every(([claim, expected]) => claimValues(payload, claim).includes(expected));
}

/** A claim as a list of strings: lists as they are, `scope`/`scp` split on spaces, scalars as one value. */
function claimValues(payload: JwtPayload, claim: string): string[] {
  const value = claimAt(payload, claim);
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value === 'string') return claim === 'scope' || claim === 'scp' ? value.split(' ').filter(Boolean) : [value];
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  return [];
}

function groupsClaimValues(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v.length > 0);
  return typeof value === 'string' && value ? [value] : [];
}

/** An exact claim name first (names may contain dots or colons), else a dotted path into nested objects. */
function claimAt(payload: JwtPayload, claim: string): unknown {
  if (Object.hasOwn(payload, claim)) return payload[claim];
  let node: unknown = payload;
  for (const part of claim.split('.')) {
    if (!node || typeof node !== 'object' || Array.isArray(node) || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function auditClaims(payload: JwtPayload, source: GroupSource): Record<string, string | number | boolean> {
  const names = new Set(AUDIT_CLAIMS);
  for (const mapping of source.groupMappings ?? []) for (const claim of Object.keys(mapping.when)) names.add(claim);
  const claims: Record<string, string | number | boolean> = {};
  for (const name of names) {
    const value = claimAt(payload, name);
    if (typeof value === 'string') claims[name] = value.slice(0, MAX_CLAIM_CHARS);
    else if (typeof value === 'number' || typeof value === 'boolean') claims[name] = value;
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) claims[name] = value.join(' ').slice(0, MAX_CLAIM_CHARS);
  }
  return claims;
}

function firstString(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}
