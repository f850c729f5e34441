import { randomBytes } from 'node:crypto';
import { ApprovalLinkSigner } from '../../../lambdas/auth/approval-link';

describe('approval link signer', () => {
  const signer = new ApprovalLinkSigner(randomBytes(32));
  const now = Date.parse('2026-11-21T10:00:00Z');
  const exp = now / 1000 + 3600;
  const parts = (link: string) => {
    const url = new URL(link);
    return { id: decodeURIComponent(url.pathname.split('/').at(-1)!), exp: url.searchParams.get('exp')!, sig: url.searchParams.get('sig')! };
  };

  it('signs a link to the approval page that verifies until it expires', () => {
    const link = signer.link('https://gw.example.com/prod/', 'abcDEF123_-xyz', exp);
    const { id, exp: e, sig } = parts(link);

    expect(link).toMatch(/^https:\/\/gw\.example\.com\/prod\/approvals\/abcDEF123_-xyz\?exp=\d+&sig=[A-Za-z0-9_-]{43}$/);
    expect(signer.verifyLink(id, e, sig, now)).toBe('valid');
    expect(signer.verifyLink(id, e, sig, exp * 1000)).toBe('expired');
  });

  it('refuses a link whose id, expiry or signature was changed', () => {
    const { id, exp: e, sig } = parts(signer.link('https://gw', 'abcDEF123_-xyz', exp));
    const flipped = `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`;

    expect(signer.verifyLink('abcDEF123_-xyY', e, sig, now)).toBe('invalid');
    expect(signer.verifyLink(id, String(Number(e) + 3600), sig, now)).toBe('invalid');
    expect(signer.verifyLink(id, e, flipped, now)).toBe('invalid');
    expect(signer.verifyLink(id, undefined, sig, now)).toBe('invalid');
    expect(signer.verifyLink(id, e, undefined, now)).toBe('invalid');
  });

  it('says "invalid", not "expired", for a forged link with a past expiry', () => {
    const forged = new ApprovalLinkSigner(randomBytes(32));
    const { id, exp: e, sig } = parts(forged.link('https://gw', 'abcDEF123_-xyz', now / 1000 - 60));

    expect(signer.verifyLink(id, e, sig, now)).toBe('invalid');
  });

  it('binds the form token to one approver and one approval', () => {
    const token = signer.csrfToken('approval-one', 'https://idp|carol');

    expect(signer.verifyCsrf('approval-one', 'https://idp|carol', token)).toBe(true);
    expect(signer.verifyCsrf('approval-one', 'https://idp|dave', token)).toBe(false);
    expect(signer.verifyCsrf('approval-two', 'https://idp|carol', token)).toBe(false);
    expect(signer.verifyCsrf('approval-one', 'https://idp|carol', undefined)).toBe(false);
  });

  it('never accepts one kind of signature as another', () => {
    const { sig } = parts(signer.link('https://gw', 'abcDEF123_-xyz', exp));
    const sealed = signer.seal('sign-in', 'payload');

    expect(signer.verifyCsrf('abcDEF123_-xyz', String(exp), sig)).toBe(false);
    expect(signer.unseal('sign-in', sealed)).toBe('payload');
    expect(signer.unseal('other-purpose', sealed)).toBeUndefined();
    expect(signer.unseal('sign-in', sealed.replace('payload', 'payloaD'))).toBeUndefined();
  });

  it('refuses a key shorter than 32 bytes', () => {
    expect(() => new ApprovalLinkSigner(randomBytes(16))).toThrow(/at least 32 bytes/);
  });
});
