import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { policyFromObject, type Policy } from '../inspect/policy';

/**
 * The policy bundled with a function: the deployment's YAML policy, validated at synth and shipped
 * as JSON (so no YAML parser rides in the bundle), validated again here at cold start.
 */
export function loadBundledPolicy(config: { AIRLOCK_POLICY: string }): Policy {
  const file = resolve(config.AIRLOCK_POLICY);
  return policyFromObject(JSON.parse(readFileSync(file, 'utf8')), file);
}
