import { jitteredBackoffMs, retryAfterMs, retryAfterSeconds } from '../../../lambdas/providers/retry-policy';
import { upstreamErrorDetail } from '../../../lambdas/providers/upstream-error-body';

describe('retry policy', () => {
  it('spreads backoff uniformly up to base × 2^(retry − 1)', () => {
    expect(jitteredBackoffMs(1, 100, () => 0)).toBe(0);
    expect(jitteredBackoffMs(1, 100, () => 0.999)).toBe(99);
    expect(jitteredBackoffMs(3, 100, () => 0.5)).toBe(200);
  });

  it('reads Retry-After as delta seconds', () => {
    expect(retryAfterMs('7', 0)).toBe(7_000);
    expect(retryAfterMs([' 2 '], 0)).toBe(2_000);
  });

  it('reads Retry-After as an HTTP date relative to now, a past date as zero', () => {
    const now = Date.parse('Wed, 02 Dec 2026 01:00:00 GMT');
    expect(retryAfterMs('Wed, 02 Dec 2026 01:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Wed, 02 Dec 2026 00:59:00 GMT', now)).toBe(0);
  });

  it('ignores an absent or unreadable Retry-After', () => {
    expect(retryAfterMs(undefined, 0)).toBeUndefined();
    expect(retryAfterMs('soon', 0)).toBeUndefined();
    expect(retryAfterMs('-5', 0)).toBeUndefined();
  });

  it('tells a caller whole seconds, rounded up', () => {
    expect(retryAfterSeconds(1_001)).toBe('2');
    expect(retryAfterSeconds(30_000)).toBe('30');
  });
});

describe('upstream error body', () => {
  it('reads an OpenAI error message and param', () => {
    expect(upstreamErrorDetail(JSON.stringify({ error: { message: 'Unsupported parameter: foo', type: 'invalid_request_error', param: 'foo', code: null } }))).toEqual({
      message: 'Unsupported parameter: foo',
      param: 'foo',
    });
  });

  it('reads an Anthropic error message', () => {
    expect(upstreamErrorDetail(JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: Field required' } }))).toEqual({
      message: 'max_tokens: Field required',
      param: null,
    });
  });

  it('finds nothing in a body that is not an error envelope', () => {
    expect(upstreamErrorDetail('<html>Bad Gateway</html>')).toBeUndefined();
    expect(upstreamErrorDetail(JSON.stringify({ error: 'flat string' }))).toBeUndefined();
    expect(upstreamErrorDetail(JSON.stringify({ error: { message: '  ' } }))).toBeUndefined();
  });
});
