import { parse as parseYaml } from 'yaml';
import { policyFromObject, PolicyError, type Policy } from './policy';

/**
 * The policy file's text → a validated policy. Kept apart from the policy model so that Lambda
 * bundles, which load the policy as JSON prepared at synth, do not carry a YAML parser.
 */
export function parsePolicy(text: string, source = 'airlock.policy.yaml'): Policy {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new PolicyError(source, [`not valid YAML (${(err as Error).message.split('\n')[0]})`]);
  }
  return policyFromObject(raw, source);
}
