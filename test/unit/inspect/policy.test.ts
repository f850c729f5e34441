import { readFileSync } from 'node:fs';
import { createInspector, parsePolicy, PolicyError, resolveGroupPolicy } from '../../../lambdas/inspect';

const repoPolicy = readFileSync(new URL('../../../airlock.policy.yaml', import.meta.url), 'utf8');

describe('policy file', () => {
  it('parses the repository default policy', () => {
    const policy = parsePolicy(repoPolicy);

    expect(policy.defaults.risk.review_at).toBe(50);
    expect(policy.defaults.custom?.patterns.map((p) => p.type)).toContain('customer_id');
  });

  it('fails with the path and the reason when a value has the wrong type', () => {
    const broken = repoPolicy.replace('review_at: 30', 'review_at: "thirty"');

    expect(() => parsePolicy(broken)).toThrow('groups.contractors.risk.review_at: expected number');
  });

  it.each([
    ['an unknown action', 'secret: mask', 'secret: redact', 'defaults.detectors.secret: expected one of "mask", "block", "off"'],
    ['an invalid custom pattern', 'pattern: "CUST-[0-9]{8}"', 'pattern: "CUST-[0-9"', 'defaults.custom.patterns.0.pattern: expected a valid regular expression'],
    ['an unknown key', 'reversible_pii: false', 'reversible_pii: false\n    unknown: 1', "defaults.masking: unknown key 'unknown'"],
  ])('rejects %s', (_what, from, to, message) => {
    expect(() => parsePolicy(repoPolicy.replace(from, to))).toThrow(PolicyError);
    expect(() => parsePolicy(repoPolicy.replace(from, to))).toThrow(message);
  });

  it('rejects a detectors entry that names no detector', () => {
    expect(() => parsePolicy(repoPolicy.replace('private_key: block', 'private_kye: block'))).toThrow(
      'defaults.detectors.private_kye: unknown detector (expected a category, a built-in type or a custom type)',
    );
  });

  it('rejects a risk signal id that no rule emits, listing the ones its rule knows', () => {
    const typo = repoPolicy.replace('dangerous_command.terraform_destroy: 50', 'dangerous_command.terraform_destory: 50');

    expect(() => parsePolicy(typo)).toThrow(/defaults\.risk\.signals\.dangerous_command\.terraform_destory: unknown risk signal \(known: .*dangerous_command\.terraform_destroy/);
  });

  it.each(['dangerous_command', 'prompt_injection.ignore_instructions', 'secret.aws_access_key_id', 'custom.customer_id', 'keyword.salary'])(
    'accepts the signal key %s',
    (key) => {
      expect(() => parsePolicy(repoPolicy.replace('dangerous_command.terraform_destroy: 50', `${key}: 50`))).not.toThrow();
    },
  );

  it('rejects a finding signal for a detector type that does not exist', () => {
    expect(() => parsePolicy(repoPolicy.replace('dangerous_command.terraform_destroy: 50', 'secret.aws_acces_key: 50'))).toThrow(/secret\.aws_acces_key: unknown risk signal/);
  });

  it('merges a group section over the defaults for members of that group', () => {
    const policy = parsePolicy(repoPolicy);

    const contractor = resolveGroupPolicy(policy, ['llm-users', 'contractors'])!;
    const member = resolveGroupPolicy(policy, ['llm-users'])!;

    expect(contractor.detectors.secret).toBe('block');
    expect(contractor.risk.review_at).toBe(30);
    expect(contractor.risk.keywords).toEqual(member.risk.keywords);
    expect(member.detectors.secret).toBe('mask');
  });

  it('blocks private keys and masks other secrets by default', () => {
    const ins = createInspector(parsePolicy(repoPolicy).defaults);
    const pem = ['-----BEGIN EC PRIVATE', ' KEY-----\n', 'A'.repeat(20), 'b'.repeat(30), 'C1+/'.repeat(10), '\n-----END EC PRIVATE', ' KEY-----'].join('');

    const inspection = ins.inspectChat({ messages: [{ role: 'user', content: `key ${pem}` }] }, 'openai');

    expect(inspection.blockedBy).toEqual(['private_key']);
  });
});
