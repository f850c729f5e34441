import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { policyFromObject } from '../../../lambdas/inspect/policy';
import { policyModelFromObject, PolicyError, resolveGroupPolicy } from '../../../lambdas/inspect/policy-model';

const repoPolicy = parse(readFileSync(new URL('../../../airlock.policy.yaml', import.meta.url), 'utf8')) as { defaults: { detectors: Record<string, string> } };

describe('policy model (what the functions that only read the policy load)', () => {
  it('reads the repository policy as the fully checked parser does', () => {
    const model = policyModelFromObject(repoPolicy, 'airlock.policy.yaml');

    expect(model).toEqual(policyFromObject(repoPolicy, 'airlock.policy.yaml'));
    expect(resolveGroupPolicy(model, ['llm-users'])?.approval.approvers_group).toEqual(expect.any(String));
  });

  it('still refuses a policy of the wrong shape, naming the path', () => {
    const broken = { ...repoPolicy, access: { groups: 'llm-users' } };

    expect(() => policyModelFromObject(broken, 'bundled')).toThrow(PolicyError);
    expect(() => policyModelFromObject(broken, 'bundled')).toThrow('access.groups: expected array');
  });

  it('leaves the detector names to the full parser, which knows the registry', () => {
    const typo = { ...repoPolicy, defaults: { ...repoPolicy.defaults, detectors: { ...repoPolicy.defaults.detectors, private_kye: 'block' } } };

    expect(() => policyModelFromObject(typo, 'bundled')).not.toThrow();
    expect(() => policyFromObject(typo, 'bundled')).toThrow('defaults.detectors.private_kye: unknown detector');
  });
});
