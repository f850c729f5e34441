import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApprovalLinkSigner } from '../../../lambdas/auth/approval-link';
import { ApproverSignIn, SIGN_IN_COOKIE } from '../../../lambdas/auth/approval-sign-in';
import { loadOrCreateDevIssuer, type DevIssuer } from '../../../lambdas/auth/dev-issuer';
import { createTokenVerifier } from '../../../lambdas/auth/verifier';

/**
 * The approvers' sign-in round trip (authorization code + PKCE) against a real token endpoint on
 * loopback that checks the PKCE verifier against the challenge, and answers with an ID token of a
 * real (dev) issuer, verified as in AWS.
 */
describe('approver sign-in (OIDC authorization code with PKCE)', () => {
  const BASE = 'https://gw.example.com/prod';
  const RETURN = '/approvals/abcdefghijklmnop?exp=1900000000&sig=s1g';
  let dataDir: string;
  let issuer: DevIssuer;
  let server: Server;
  let tokenUrl: string;
  let signIn: ApproverSignIn;
  const exchanges: URLSearchParams[] = [];
  let challenge = '';

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'airlock-signin-'));
    issuer = await loadOrCreateDevIssuer(join(dataDir, 'issuer.json'), { audience: 'approver-client' });
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', async () => {
        const form = new URLSearchParams(body);
        exchanges.push(form);
        const verifier = form.get('code_verifier') ?? '';
        const ok =
          form.get('grant_type') === 'authorization_code' &&
          form.get('code') === 'the-code' &&
          form.get('client_id') === 'approver-client' &&
          form.get('redirect_uri') === `${BASE}/approvals/callback` &&
          createHash('sha256').update(verifier).digest('base64url') === challenge;
        res.writeHead(ok ? 200 : 400, { 'content-type': 'application/json' });
        res.end(JSON.stringify(ok ? { id_token: await issuer.mint({ sub: 'carol', groups: ['approvers'], ttlSeconds: 900 }) } : { error: 'invalid_grant' }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/token`;
    signIn = new ApproverSignIn({
      authorizeUrl: 'https://auth.example.com/oauth2/authorize',
      tokenUrl,
      clientId: 'approver-client',
      scopes: ['openid', 'email'],
      publicBaseUrl: BASE,
      links: new ApprovalLinkSigner(randomBytes(32)),
      verifier: createTokenVerifier({ issuers: [issuer.trustedIssuer] }),
    });
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await rm(dataDir, { recursive: true, force: true });
  });

  function begin() {
    const redirect = signIn.start(RETURN)!;
    const url = new URL(redirect.location);
    challenge = url.searchParams.get('code_challenge')!;
    return { redirect, url, state: url.searchParams.get('state')!, cookie: redirect.setCookie.value };
  }

  it('sends the approver to the provider with a S256 challenge and a state bound to a short-lived cookie', () => {
    const { redirect, url } = begin();

    expect(`${url.origin}${url.pathname}`).toBe('https://auth.example.com/oauth2/authorize');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'approver-client',
      redirect_uri: `${BASE}/approvals/callback`,
      scope: 'openid email',
      code_challenge_method: 'S256',
    });
    expect(redirect.setCookie).toMatchObject({ name: SIGN_IN_COOKIE, maxAgeSeconds: 600 });
    expect(redirect.setCookie.value).not.toContain(challenge);
  });

  it('exchanges the code with the PKCE verifier and returns to the approval page with the verified ID token', async () => {
    const { state, cookie } = begin();

    const result = await signIn.finish({ code: 'the-code', state }, cookie);

    expect(result).toMatchObject({ ok: true, redirect: { location: `${BASE}${RETURN}`, setCookie: { name: 'airlock_approver' } } });
    if (!result.ok) return;
    expect(result.redirect.setCookie.maxAgeSeconds).toBeGreaterThan(800);
    await expect(createTokenVerifier({ issuers: [issuer.trustedIssuer] }).verify(result.redirect.setCookie.value)).resolves.toMatchObject({ sub: 'carol' });
  });

  it('refuses a callback finished in another browser (no or another sign-in cookie)', async () => {
    const first = begin();
    const second = begin();

    await expect(signIn.finish({ code: 'the-code', state: first.state }, undefined)).resolves.toEqual({ ok: false, reason: 'state' });
    await expect(signIn.finish({ code: 'the-code', state: first.state }, second.cookie)).resolves.toEqual({ ok: false, reason: 'state' });
  });

  it('refuses a tampered state', async () => {
    const { state, cookie } = begin();
    const tampered = state.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));

    await expect(signIn.finish({ code: 'the-code', state: tampered }, cookie)).resolves.toEqual({ ok: false, reason: 'state' });
  });

  it('refuses a code the provider does not accept', async () => {
    const { state, cookie } = begin();

    await expect(signIn.finish({ code: 'stolen-code', state }, cookie)).resolves.toEqual({ ok: false, reason: 'exchange' });
  });

  it('only ever returns to an approval page or the console of this gateway (no open redirect)', () => {
    for (const target of ['https://evil.example.com/', '//evil.example.com/approvals/x', '/v1/chat/completions', '/approvals/../v1', '/console//evil.example.com', '/console/../v1', '/consolex', undefined]) {
      expect(signIn.start(target)).toBeUndefined();
    }
    expect(signIn.start('/console/sessions?principal=alice&decision=review')).toBeDefined();
  });

  it('asks the provider to sign in afresh when the console switches user', () => {
    const switching = new URL(signIn.start('/console', 'login')!.location);
    const plain = new URL(signIn.start('/console')!.location);

    expect(switching.searchParams.get('prompt')).toBe('login');
    expect(plain.searchParams.has('prompt')).toBe(false);
    expect(signIn.signInUrl('/console', true)).toBe(`${BASE}/approvals/sign-in?return=%2Fconsole&prompt=login`);
  });
});
