import { parsePolicy } from '../../../lambdas/inspect';

describe('policy limits', () => {
  const base = 'version: 1\naccess: { groups: [llm-users] }\n';

  it('reads requests per minute and tokens per day per principal and per group', () => {
    const policy = parsePolicy(`${base}limits:\n  principal: { requests_per_minute: 60 }\n  groups:\n    ci: { tokens_per_day: 100000, requests_per_minute: 600 }\n`);

    expect(policy.limits).toEqual({ principal: { requests_per_minute: 60 }, groups: { ci: { tokens_per_day: 100000, requests_per_minute: 600 } } });
  });

  it.each([
    ['limits:\n  principal: { requests_per_minute: 0 }\n', 'limits.principal.requests_per_minute: too small'],
    ['limits:\n  groups:\n    ci: {}\n', 'limits.groups.ci: expected requests_per_minute, tokens_per_day or both'],
    ['limits:\n  groups:\n    ci: { tokens_per_hour: 5 }\n', "limits.groups.ci: unknown key 'tokens_per_hour'"],
  ])('refuses %j naming the path and the reason', (yaml, message) => {
    expect(() => parsePolicy(base + yaml)).toThrow(message);
  });
});
