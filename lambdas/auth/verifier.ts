import { CognitoJwtVerifier, JwtVerifier } from 'aws-jwt-verify';
import { SimpleFetcher, type Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache, type Jwks, type JwksCache } from 'aws-jwt-verify/jwk';
import { decomposeUnverifiedJwt } from 'aws-jwt-verify/jwt';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import type { GroupMapping } from '../shared/config';
import { invalidToken } from '../shared/errors';
import { discoverJwksUri } from './discovery';
import type { Principal } from './principal';
import { principalFromClaims, type GroupSource } from './principal-from-claims';
import { KidNotFoundInJwksError } from 'aws-jwt-verify/error';
import { StaticJwksCache } from './static-jwks-cache';
import { issuerUnavailable, toTokenError } from './token-errors';
import { VerifiedTokenCache } from './verified-token-cache';

/** An OIDC issuer whose tokens are accepted (Okta, Entra ID, Google, GitHub Actions, GitLab CI, the local dev issuer). */
export interface TrustedIssuer {
  issuer: string;
  /** Required: null only when the deployer explicitly accepts any audience. */
  audience: string | string[] | null;
  /** Default `groups`. */
  groupsClaim?: string;
  /** Unset: read from the issuer's discovery document on first use. */
  jwksUri?: string;
  /** The issuer's keys handed over directly; nothing is fetched (the local dev issuer). */
  jwks?: Jwks;
  groups?: string[];
  groupMappings?: GroupMapping[];
  /** Added to the 401 for a token signed with a key this issuer does not publish (the dev issuer: another data directory). */
  unknownKeyHint?: string;
}

export interface CognitoUserPool {
  userPoolId: string;
  /** App clients whose tokens are accepted; null only to accept every client of the pool. */
  clientIds: readonly string[] | null;
  /** Default null: access and ID tokens. */
  tokenUse?: 'access' | 'id' | null;
  /**
   * Client-credentials tokens (CI) carry `client_id` and `scope` but no `cognito:groups`:
   * map them to groups here, e.g. `{ when: { scope: 'airlock/invoke' }, groups: ['ci'] }`.
   */
  groupMappings?: GroupMapping[];
  /** The pool's keys handed over directly (tests); nothing is fetched. */
  jwks?: Jwks;
}

export interface TokenVerifierOptions {
  cognito?: CognitoUserPool;
  issuers?: readonly TrustedIssuer[];
  /** Fetches discovery documents and JWKS (https only). Tests inject one that trusts a test CA. */
  fetcher?: Fetcher;
  /** Allowed clock skew for `exp` and `nbf`. Default 30 s. */
  clockToleranceSeconds?: number;
  /** The clock of the verified-token cache (tests). */
  now?: () => number;
}

export interface TokenVerifier {
  /** The Principal of a fully verified token; throws a 401 AirlockError (503 when the issuer's keys are unreachable). */
  verify(token: string): Promise<Principal>;
}

const MAX_TOKEN_CHARS = 16 * 1024;
const DISCOVERY_RETRY_MS = 10_000;

interface IssuerEntry {
  verify(token: string): Promise<JwtPayload>;
  source: GroupSource;
  unknownKeyHint?: string;
}

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const fetcher = options.fetcher ?? new SimpleFetcher();
  const jwksCache = new SimpleJwksCache({ fetcher });
  const graceSeconds = options.clockToleranceSeconds ?? 30;
  const byIssuer = new Map<string, IssuerEntry>();
  const trust = (issuer: string, entry: IssuerEntry) => {
    if (byIssuer.has(issuer)) throw new Error(`issuer ${issuer} is configured twice`);
    byIssuer.set(issuer, entry);
  };

  if (options.cognito) {
    const { issuers, entry } = cognitoEntry(options.cognito, jwksCache, graceSeconds);
    for (const issuer of issuers) trust(issuer, entry);
  }
  for (const cfg of options.issuers ?? []) trust(cfg.issuer, oidcEntry(cfg, fetcher, jwksCache, graceSeconds));
  if (byIssuer.size === 0) throw new Error('no token issuer is configured: set a Cognito user pool or at least one OIDC issuer');

  const verified = new VerifiedTokenCache(options.now);

  return {
    async verify(token) {
      const known = verified.get(token);
      if (known) return known;
      const issuer = unverifiedIssuer(token);
      const entry = byIssuer.get(issuer);
      if (!entry) throw invalidToken('The bearer token was issued by an issuer that is not trusted.');
      let payload: JwtPayload;
      try {
        payload = await entry.verify(token);
      } catch (err) {
        if (entry.unknownKeyHint && err instanceof KidNotFoundInJwksError) throw invalidToken(`${toTokenError(err).message} ${entry.unknownKeyHint}`, err);
        throw toTokenError(err);
      }
      return verified.set(token, principalFromClaims(payload, entry.source), payload.exp as number);
    },
  };
}

/**
 * Reads `iss` without verifying anything, only to pick the verifier that then verifies the whole
 * token against that issuer's keys and settings. `alg: none` is refused here by name.
 */
function unverifiedIssuer(token: string): string {
  if (token.length > MAX_TOKEN_CHARS) throw invalidToken('The bearer token is too large.');
  if (/^sk-[A-Za-z0-9_-]{8,}$/.test(token) && !token.includes('.')) {
    // A newcomer's first mistake: the vendor key where the identity token goes. Say so, without echoing it.
    throw invalidToken(
      'The bearer token looks like a vendor API key (sk-…), not an identity token. Airlock holds the upstream key itself: send a token from your identity provider (locally: `airlock token --sub NAME`).',
    );
  }
  const headerPart = token.split('.')[0] ?? '';
  let alg: unknown;
  try {
    alg = (JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8')) as { alg?: unknown }).alg;
  } catch {
    throw invalidToken('The bearer token is malformed.');
  }
  if (typeof alg !== 'string' || alg.toLowerCase() === 'none') {
    throw invalidToken('The bearer token is unsigned (alg none), which is never accepted.');
  }
  let iss: unknown;
  try {
    iss = decomposeUnverifiedJwt(token).payload.iss;
  } catch (err) {
    throw toTokenError(err);
  }
  if (typeof iss !== 'string' || !iss) throw invalidToken('The bearer token has no issuer (iss).');
  return iss;
}

/** aws-jwt-verify accepts a token without `exp`; a bearer token that never expires is refused here. */
function requireExpiry({ payload }: { payload: JwtPayload }): void {
  if (typeof payload.exp !== 'number') throw invalidToken('The bearer token has no expiry (exp).');
}

function cognitoEntry(pool: CognitoUserPool, sharedCache: JwksCache, graceSeconds: number): { issuers: string[]; entry: IssuerEntry } {
  if (pool.clientIds !== null && pool.clientIds.length === 0) {
    throw new Error('Cognito client ids are required (null accepts every app client of the pool, and must be chosen explicitly)');
  }
  const verifier = CognitoJwtVerifier.create(
    {
      userPoolId: pool.userPoolId,
      clientId: pool.clientIds === null ? null : [...pool.clientIds],
      tokenUse: pool.tokenUse ?? null,
      graceSeconds,
      customJwtCheck: requireExpiry,
    },
    { jwksCache: pool.jwks ? new StaticJwksCache(pool.jwks) : sharedCache },
  );
  const regional = CognitoJwtVerifier.parseUserPoolId(pool.userPoolId).issuer;
  const global = CognitoJwtVerifier.parseUserPoolId(pool.userPoolId, 'https://issuer-cognito-idp').issuer;
  return {
    issuers: [regional, global],
    entry: {
      verify: (token) => verifier.verify(token) as Promise<JwtPayload>,
      source: { groupsClaim: 'cognito:groups', groupMappings: pool.groupMappings ?? [] },
    },
  };
}

function oidcEntry(cfg: TrustedIssuer, fetcher: Fetcher, sharedCache: JwksCache, graceSeconds: number): IssuerEntry {
  const source: GroupSource = { groupsClaim: cfg.groupsClaim ?? 'groups', groups: cfg.groups ?? [], groupMappings: cfg.groupMappings ?? [] };
  const build = (jwksUri: string | undefined) =>
    JwtVerifier.create(
      {
        issuer: cfg.issuer,
        audience: cfg.audience,
        ...(jwksUri ? { jwksUri } : {}),
        graceSeconds,
        customJwtCheck: requireExpiry,
      },
      { jwksCache: cfg.jwks ? new StaticJwksCache(cfg.jwks) : sharedCache },
    );
  if (cfg.jwks || cfg.jwksUri) {
    const verifier = build(cfg.jwksUri);
    return { source, verify: (token) => verifier.verify(token), ...(cfg.unknownKeyHint ? { unknownKeyHint: cfg.unknownKeyHint } : {}) };
  }

  let discovered: Promise<ReturnType<typeof build>> | undefined;
  let failedAt = 0;
  const verifierFromDiscovery = () => {
    if (!discovered && Date.now() - failedAt < DISCOVERY_RETRY_MS) throw issuerUnavailable();
    discovered ??= discoverJwksUri(cfg.issuer, fetcher).then(build, (err: unknown) => {
      discovered = undefined;
      failedAt = Date.now();
      throw err;
    });
    return discovered;
  };
  return { source, verify: async (token) => (await verifierFromDiscovery()).verify(token) };
}
