import { VerifiedTokenCache, VERIFIED_TOKEN_TTL_MS } from '../../../lambdas/auth/verified-token-cache';
import type { Principal } from '../../../lambdas/auth/principal';

const principal: Principal = { issuer: 'https://issuer.example', sub: 'alice', groups: ['llm-users'], claims: { scope: 'chat' } };

describe('verified-token cache', () => {
  let clock = 1_000_000;
  const cache = () => new VerifiedTokenCache(() => clock);
  beforeEach(() => {
    clock = 1_000_000;
  });

  it('serves a verified token until its own exp, never past it', () => {
    const c = cache();
    c.set('token-a', principal, (clock + 10_000) / 1000);
    expect(c.get('token-a')).toMatchObject({ sub: 'alice' });
    clock += 10_000;
    expect(c.get('token-a')).toBeUndefined();
  });

  it('forgets a long-lived token after a minute, so a revoked signing key stops being honoured', () => {
    const c = cache();
    c.set('token-b', principal, (clock + 3_600_000) / 1000);
    clock += VERIFIED_TOKEN_TTL_MS - 1;
    expect(c.get('token-b')).toBeDefined();
    clock += 1;
    expect(c.get('token-b')).toBeUndefined();
  });

  it('answers only the exact token string', () => {
    const c = cache();
    c.set('header.payload.signature', principal, (clock + 60_000) / 1000);
    expect(c.get('header.payload.signaturf')).toBeUndefined();
    expect(c.get('header.payload.signature ')).toBeUndefined();
  });

  it('hands out a frozen principal: one request cannot change what the next one sees', () => {
    const c = cache();
    const stored = c.set('token-c', { ...principal, groups: [...principal.groups] }, (clock + 60_000) / 1000);
    expect(() => stored.groups.push('admins')).toThrow(TypeError);
    expect(() => Object.assign(stored, { sub: 'mallory' })).toThrow(TypeError);
    expect(c.get('token-c')).toMatchObject({ sub: 'alice', groups: ['llm-users'] });
  });

  it('never caches an already expired token and stays bounded', () => {
    const c = cache();
    c.set('expired', principal, (clock - 1) / 1000);
    expect(c.get('expired')).toBeUndefined();
    for (let i = 0; i < 2_001; i++) c.set(`t${i}`, principal, (clock + 60_000) / 1000);
    expect(c.get('t0')).toBeUndefined();
    expect(c.get('t2000')).toBeDefined();
  });
});
