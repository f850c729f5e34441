import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Policy } from '../inspect/policy-model';

/**
 * The policy bundled with a function: the deployment's YAML policy, validated at synth and shipped
 * as JSON (so no YAML parser rides in the bundle), validated again here at cold start with the
 * given parser: `policyFromObject` (inspect/policy.ts, names checked against the detector and rule
 * registries) where the function inspects, `policyModelFromObject` where it only reads the policy
 * and must not carry the detectors.
 */
export function loadBundledPolicy(config: { AIRLOCK_POLICY: string }, parse: (raw: unknown, source: string) => Policy): Policy {
  const file = resolve(config.AIRLOCK_POLICY);
  return parse(JSON.parse(readFileSync(file, 'utf8')), file);
}
