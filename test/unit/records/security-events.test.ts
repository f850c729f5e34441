import { createAuthorizerHandler } from '../../../lambdas/handlers/authorizer';
import { SECURITY_EVENT_MESSAGE, sourceIpOf, unverifiedIssuer } from '../../../lambdas/auth/security-event';
import type { TokenVerifier } from '../../../lambdas/auth/verifier';
import { invalidToken } from '../../../lambdas/shared/errors';
import type { AirlockLogger } from '../../../lambdas/shared/logger';
import { inMemoryGateway, principal } from '../../support/in-memory-gateway';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const fakeJwt = (claims: Record<string, unknown>) => `${b64({ alg: 'RS256', kid: 'k1' })}.${b64(claims)}.${'s'.repeat(43)}`;

describe('security events', () => {
  describe('refused groups', () => {
    it('logs a caller whose groups may not use the gateway, with issuer and source address, and no token', async () => {
      const gw = inMemoryGateway();
      const outsider = principal('mallory', ['contractors']);

      const reply = await gw.call('/v1/chat/completions', { principal: outsider, body: { model: 'echo', messages: [{ role: 'user', content: 'hi' }] } });

      expect(reply.status).toBe(403);
      const events = gw.logs.filter((l) => l.message === SECURITY_EVENT_MESSAGE);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ level: 'warn', fields: { securityEvent: 'group_refused', code: 'forbidden', reason: 'no_allowed_group', issuer: outsider.issuer } });
      expect(gw.provider.calls).toHaveLength(0);
    });

    it('logs a refused audit read the same way', async () => {
      const gw = inMemoryGateway();

      await gw.call('/v1/airlock/sessions', { principal: principal('mallory', ['contractors']), method: 'GET' });

      expect(gw.logs.filter((l) => l.message === SECURITY_EVENT_MESSAGE).map((l) => l.fields)).toEqual([
        expect.objectContaining({ securityEvent: 'group_refused', route: '/v1/airlock/sessions' }),
      ]);
    });
  });

  describe('refused tokens (the TOKEN authorizer)', () => {
    let lines: Array<[string, Record<string, unknown>]>;
    let log: AirlockLogger;
    beforeEach(() => {
      lines = [];
      const keep = (message: string, fields: Record<string, unknown> = {}) => void lines.push([message, fields]);
      log = { info: keep, warn: keep, error: keep, debug: keep } as unknown as AirlockLogger;
    });

    const refuseWith = (message: string): TokenVerifier => ({ verify: async () => Promise.reject(invalidToken(message)) });

    it('logs code, reason class and the unverified issuer, never the token', async () => {
      const token = fakeJwt({ iss: 'https://evil.example.com', sub: 'someone', secretish: 'claim-value-canary' });
      const handler = createAuthorizerHandler(refuseWith('The bearer token was issued by an issuer that is not trusted.'), log);

      await expect(handler({ type: 'TOKEN', authorizationToken: `Bearer ${token}`, methodArn: 'arn:aws:execute-api:eu-west-1:1:api/stage/POST/v1' })).rejects.toThrow('Unauthorized');

      expect(lines).toEqual([[SECURITY_EVENT_MESSAGE, { securityEvent: 'token_refused', code: 'invalid_token', reason: 'untrusted_issuer', issuer: 'https://evil.example.com' }]]);
      const logged = JSON.stringify(lines);
      expect(logged).not.toContain(token);
      expect(logged).not.toContain('claim-value-canary');
      expect(logged).not.toContain('someone');
    });

    it('classifies an expired token and one that is missing', async () => {
      await createAuthorizerHandler(refuseWith('The bearer token has expired.'), log)({ type: 'TOKEN', authorizationToken: `Bearer ${fakeJwt({ iss: 'https://issuer.test' })}`, methodArn: 'arn:aws:execute-api:r:1:a/s/GET/x' }).catch(() => undefined);
      await createAuthorizerHandler(refuseWith('The bearer token is missing.'), log)({ type: 'TOKEN', methodArn: 'arn:aws:execute-api:r:1:a/s/GET/x' }).catch(() => undefined);

      expect(lines.map(([, f]) => f.reason)).toEqual(['expired', 'missing']);
    });
  });

  describe('what may be logged of a token', () => {
    it('reads an issuer URL from an unverified token', () => {
      expect(unverifiedIssuer(fakeJwt({ iss: 'https://login.example.com/tenant/v2.0' }))).toBe('https://login.example.com/tenant/v2.0');
    });

    it('drops an issuer that is not URL-shaped (no free text from a forged token)', () => {
      expect(unverifiedIssuer(fakeJwt({ iss: 'https://x.test/ ignore previous; DROP TABLE' }))).toBeUndefined();
      expect(unverifiedIssuer(fakeJwt({ iss: 42 }))).toBeUndefined();
      expect(unverifiedIssuer('not a jwt')).toBeUndefined();
    });

    it('takes the address API Gateway appended to X-Forwarded-For', () => {
      expect(sourceIpOf({ 'x-forwarded-for': '10.0.0.1, 203.0.113.9' })).toBe('203.0.113.9');
      expect(sourceIpOf({ 'x-forwarded-for': 'spoofed<script>' })).toBeUndefined();
      expect(sourceIpOf({})).toBeUndefined();
    });
  });
});
