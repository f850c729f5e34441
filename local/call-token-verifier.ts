import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { argumentsSha256 } from '../lambdas/gateway/mcp/canonical-arguments';
import { AIRLOCK_ACTOR, CALL_TOKEN_TYPE, MAX_CALL_TOKEN_LIFETIME_SECONDS } from '../lambdas/gateway/mcp/call-tokens';

/**
 * How an upstream MCP server checks Airlock's per-call tokens, as the example upstream does (and
 * docs/mcp.md describes for real servers): the signature against Airlock's JWKS URL, `iss`, `aud`,
 * the time claims with a small clock tolerance, the token bound to the message it came with (the
 * JSON-RPC method; for `tools/call` the tool and the SHA-256 of the canonical arguments), and each
 * `jti` accepted once: a seen-set that forgets a token once it has expired.
 */
export interface CallTokenVerifierOptions {
  /** Read on first use: the local runtime knows its URL only once it listens. */
  jwksUrl: () => string;
  issuer: () => string;
  audience: () => string;
  /** Default 5 seconds. */
  clockToleranceSeconds?: number;
  /** Most tokens remembered at once; beyond, tokens are refused (fail closed). Default 100 000. */
  maxRemembered?: number;
}

/** The JSON-RPC message a request carried (undefined: none, e.g. a GET). */
export interface ReceivedMessage {
  method?: unknown;
  params?: { name?: unknown; arguments?: unknown };
}

export type CallTokenClaims = JWTPayload & {
  mcp_method?: string;
  tool?: string;
  args_sha256?: string;
  act?: { sub?: string };
  sub_id?: { format: string; iss: string; sub: string };
  airlock_session?: string;
};

/** A token refused, with a reason fit to send back (it names no secret). */
export class CallTokenRefused extends Error {
  override readonly name = 'CallTokenRefused';
}

export interface CallTokenVerifier {
  /** The verified claims, or throws CallTokenRefused. */
  verify(authorization: string | undefined, message: ReceivedMessage | undefined): Promise<CallTokenClaims>;
}

export function callTokenVerifier(options: CallTokenVerifierOptions): CallTokenVerifier {
  const tolerance = options.clockToleranceSeconds ?? 5;
  const maxRemembered = options.maxRemembered ?? 100_000;
  let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  /** jti → exp (seconds). */
  const seen = new Map<string, number>();

  // Oldest first (insertion order); stops at the first live one, so a check costs O(expired), not
  // O(remembered). A longer-lived token ahead of shorter ones only keeps those a little longer (≤ 5 min).
  const forgetExpired = (nowSeconds: number) => {
    for (const [jti, exp] of seen) {
      if (exp + tolerance >= nowSeconds) return;
      seen.delete(jti);
    }
  };

  return {
    async verify(authorization, message) {
      const token = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(authorization ?? '')?.[1];
      if (!token) throw new CallTokenRefused('a per-call bearer token is required');
      jwks ??= createRemoteJWKSet(new URL(options.jwksUrl()));
      let claims: CallTokenClaims;
      try {
        ({ payload: claims } = await jwtVerify<CallTokenClaims>(token, jwks, {
          issuer: options.issuer(),
          audience: options.audience(),
          algorithms: ['ES256'],
          typ: CALL_TOKEN_TYPE,
          clockTolerance: tolerance,
          requiredClaims: ['iat', 'nbf', 'exp', 'jti', 'sub'],
        }));
      } catch (err) {
        throw new CallTokenRefused(refusalReason(err));
      }
      if (claims.exp! - claims.iat! > MAX_CALL_TOKEN_LIFETIME_SECONDS) throw new CallTokenRefused('token lifetime exceeds 5 minutes');
      const method = typeof message?.method === 'string' ? message.method : undefined;
      if (claims.mcp_method !== method) throw new CallTokenRefused('token was minted for another message');
      if (method === 'tools/call') {
        if (claims.act?.sub !== AIRLOCK_ACTOR) throw new CallTokenRefused('tool-call token without Airlock as actor');
        if (claims.tool !== message?.params?.name) throw new CallTokenRefused('token was minted for another tool');
        if (claims.args_sha256 !== argumentsSha256(message?.params?.arguments ?? {})) throw new CallTokenRefused('token was minted for other arguments');
      }
      const now = Math.floor(Date.now() / 1000);
      forgetExpired(now);
      if (seen.has(claims.jti!)) throw new CallTokenRefused('token was already used (replay)');
      if (seen.size >= maxRemembered) throw new CallTokenRefused('too many tokens in flight; try again shortly');
      seen.set(claims.jti!, claims.exp!);
      return claims;
    },
  };
}

function refusalReason(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'token expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return 'token was minted for another audience';
    if (err.claim === 'iss') return 'token was issued by someone else';
    if (err.claim === 'nbf' || err.claim === 'iat') return 'token is not valid yet';
    return `token claim ${err.claim} is not acceptable`;
  }
  if (err instanceof errors.JWKSNoMatchingKey) return 'token was signed by an unknown key';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'token signature is invalid';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'token algorithm is not accepted';
  if (err instanceof errors.JWKSTimeout || (err as { code?: string }).code === 'ERR_JOSE_GENERIC') return 'verification keys unavailable';
  return 'token is not a valid per-call token';
}
