import { DETECTORS } from './detectors/registry';
import { RISK_RULES } from './risk/registry';
import { signalKeys } from './risk/score';
import { PolicyError, policyModelFromObject, type GroupPolicy, type PartialGroupPolicy, type Policy } from './policy-model';

export * from './policy-model';

/**
 * The policy, validated in full: its structure (policy-model.ts) and every detector type and risk
 * signal it names, against the registries. What synth, the local runtime and every function that
 * inspects use; a function that only reads the policy may use `policyModelFromObject` instead.
 */
export function policyFromObject(raw: unknown, source = 'policy'): Policy {
  return policyModelFromObject(raw, source, checkNames);
}

function checkNames(merged: GroupPolicy, section: PartialGroupPolicy, path: string, source: string): void {
  assertDetectorNames(merged, section.detectors ?? {}, path, source);
  assertSignalNames(merged, section.risk?.signals ?? {}, path, source);
}

/** A `detectors` key must name a category, a built-in detector type or a custom type: a typo would silently do nothing. */
function assertDetectorNames(gp: GroupPolicy, detectors: Record<string, unknown>, path: string, source: string): void {
  const known = new Set<string>(['secret', 'pii', 'custom', ...Object.values(DETECTORS).map((d) => d.type)]);
  for (const c of [...(gp.custom?.patterns ?? []), ...(gp.custom?.words ?? [])]) known.add(c.type);
  const unknown = Object.keys(detectors).filter((k) => !known.has(k));
  if (unknown.length) {
    throw new PolicyError(source, unknown.map((k) => `${path}.detectors.${k}: unknown detector (expected a category, a built-in type or a custom type)`));
  }
}

/** Finding signals are `<category>.<type>`; keywords are the policy's own phrases. */
const OPEN_SIGNAL_PREFIXES = ['secret', 'pii', 'custom', 'keyword'];

/**
 * A `risk.signals` key must name a signal a rule emits, a dotted prefix of one, or a rule id: a typo
 * (`dangerous_command.terraform_destory`) would otherwise silently change nothing.
 */
function assertSignalNames(gp: GroupPolicy, signals: Record<string, unknown>, path: string, source: string): void {
  const rules = Object.values(RISK_RULES);
  const exact = new Set(rules.flatMap((r) => r.signals ?? []));
  // A key may also be a dotted prefix of a signal id (`command.sql`, `command`): it sets every signal under it.
  const prefixes = new Set([...rules.map((r) => r.id), ...OPEN_SIGNAL_PREFIXES, ...[...exact].flatMap((id) => signalKeys(id).slice(1))]);
  const types = new Set<string>([...Object.values(DETECTORS).map((d) => d.type), ...(gp.custom?.patterns ?? []).map((c) => c.type), ...(gp.custom?.words ?? []).map((c) => c.type)]);
  const known = (id: string): boolean => {
    if (exact.has(id) || prefixes.has(id)) return true;
    const [prefix, rest] = [id.slice(0, id.indexOf('.')), id.slice(id.indexOf('.') + 1)];
    if (prefix === 'keyword') return rest.length > 0;
    return ['secret', 'pii', 'custom'].includes(prefix) && types.has(rest);
  };
  const unknown = Object.keys(signals).filter((id) => !known(id));
  if (unknown.length) {
    throw new PolicyError(
      source,
      unknown.map((id) => {
        const siblings = [...exact].filter((e) => e.startsWith(`${id.split('.')[0]}.`));
        return `${path}.risk.signals.${id}: unknown risk signal${siblings.length ? ` (known: ${siblings.join(', ')})` : ' (expected a rule id, a signal id, or <secret|pii|custom>.<detector type>)'}`;
      }),
    );
  }
}
