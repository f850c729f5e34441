import type { GroupPolicy } from '../inspect/policy';
import type { Inspector } from '../inspect/types';

/**
 * Inspectors are built once per distinct effective policy (compiling detectors is the costly
 * part) and reused by every request of callers with the same groups.
 */
export function cachedInspectorFactory(create: (gp: GroupPolicy) => Inspector): (gp: GroupPolicy) => Inspector {
  const cache = new Map<string, Inspector>();
  return (gp) => {
    const key = JSON.stringify(gp);
    let inspector = cache.get(key);
    if (!inspector) {
      inspector = create(gp);
      cache.set(key, inspector);
    }
    return inspector;
  };
}
