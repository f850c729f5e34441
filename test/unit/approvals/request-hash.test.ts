import { requestHash } from '../../../lambdas/gateway/approvals/request-hash';

describe('request hash (re-send identity)', () => {
  const alice = { issuer: 'https://idp', sub: 'alice' };
  const body = { model: 'gpt', messages: [{ role: 'user', content: 'DROP DATABASE x' }], temperature: 0 };

  it('is the same for the same caller and body, whatever the key order or the stream flag', () => {
    const reordered = { temperature: 0, messages: [{ content: 'DROP DATABASE x', role: 'user' }], model: 'gpt', stream: true, stream_options: { include_usage: true } };

    expect(requestHash(alice, reordered)).toBe(requestHash(alice, body));
  });

  it('differs for another caller, another issuer, or another body', () => {
    const base = requestHash(alice, body);

    expect(requestHash({ ...alice, sub: 'bob' }, body)).not.toBe(base);
    expect(requestHash({ ...alice, issuer: 'https://other' }, body)).not.toBe(base);
    expect(requestHash(alice, { ...body, temperature: 1 })).not.toBe(base);
    expect(requestHash(alice, { ...body, messages: [{ role: 'user', content: 'DROP DATABASE y' }] })).not.toBe(base);
  });

  it('is a SHA-256 hex digest', () => {
    expect(requestHash(alice, body)).toMatch(/^[0-9a-f]{64}$/);
  });
});
