import { readFileSync } from 'node:fs';
import { parsePolicy } from '../../lambdas/inspect/policy-yaml';
import { resolveGroupPolicy, type GroupPolicy } from '../../lambdas/inspect/policy';

/**
 * The group policy `airlock scan` decides with: the file's, for the groups given, else for its first
 * access group. Imported only when there is a policy file, with the YAML parser and the schema.
 */
export function policyFileGroupPolicy(path: string, groups: string | undefined): GroupPolicy {
  const policy = parsePolicy(readFileSync(path, 'utf8'), path);
  const first = policy.access.groups.find((g) => g !== '*');
  if (!groups && !first) return policy.defaults;
  const names = (groups ?? first!).split(',').map((g) => g.trim()).filter(Boolean);
  const resolved = resolveGroupPolicy({ ...policy, access: { groups: [...policy.access.groups, ...names] } }, names);
  return resolved ?? policy.defaults;
}
