import { resolveGroupPolicy, type GroupPolicy, type Policy } from '../inspect/policy-model';
import { forbidden } from '../shared/errors';
import type { Principal } from './principal';

/**
 * The caller's effective group policy, or 403 when none of their groups is in `access.groups`.
 * A valid token alone grants nothing: access comes from group membership.
 */
export function assertCanInvoke(principal: Pick<Principal, 'groups'>, policy: Policy): GroupPolicy {
  const groupPolicy = resolveGroupPolicy(policy, principal.groups);
  if (!groupPolicy) {
    throw forbidden(`Your token is valid, but none of your groups may use Airlock; access requires one of: ${policy.access.groups.join(', ')}.`);
  }
  return groupPolicy;
}
