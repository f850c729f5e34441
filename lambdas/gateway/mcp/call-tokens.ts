import { createHash, randomUUID } from 'node:crypto';
import { argumentsSha256 } from './canonical-arguments';

/**
 * Per-call credentials for upstream MCP servers: a short-lived JWT Airlock mints for each message
 * it sends an upstream registered with `credential.mode: per-call-token`. A `tools/call` token
 * names the caller (`sub`, RFC 8693 `act` = Airlock), the upstream (`aud`), the tool and the hash
 * of the arguments forwarded, and is single-use (`jti`); the upstream verifies it against the keys
 * at Airlock's JWKS URL (docs/mcp.md).
 */

/** The JWS `typ` (explicit typing, RFC 8725 §3.11): no other JWT can pass for a call token. */
export const CALL_TOKEN_TYPE = 'airlock-mcp+jwt';
/** The longest lifetime a call token may have, and the default. */
export const MAX_CALL_TOKEN_LIFETIME_SECONDS = 300;
export const DEFAULT_CALL_TOKEN_LIFETIME_SECONDS = 60;
/** `act.sub` of a tool-call token, and `sub` of the tokens Airlock sends on its own behalf (initialize, tools/list). */
export const AIRLOCK_ACTOR = 'airlock';
/** Where the verification keys are published, under Airlock's issuer URL. */
export const JWKS_PATH = '/.well-known/jwks.json';

/** An EC P-256 public key as a JWK (RFC 7518 §6.2). */
export interface PublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
}

/**
 * Signs call tokens: a key file locally, a KMS asymmetric key in AWS (the private key never
 * leaves KMS). ES256 only: every JOSE library verifies it, and signatures are 64 bytes.
 */
export interface CallTokenSigner {
  readonly alg: 'ES256';
  /** The public key and its id (RFC 7638 thumbprint); cached by the adapter. */
  publicKey(): Promise<{ kid: string; jwk: PublicJwk }>;
  /** The signature over the JWS signing input, in JOSE form (ES256: r ‖ s, 64 bytes). */
  sign(signingInput: Uint8Array): Promise<Uint8Array>;
}

/** The caller a tool call is made for (from the verified bearer token). */
export interface CallTokenCaller {
  sub: string;
  issuer: string;
}

/** What one token is minted for: the message it goes with and, for `tools/call`, the call. */
export interface CallTokenRequest {
  /** `aud`: the upstream's registered audience (default its URL). */
  audience: string;
  lifetimeSeconds: number;
  /** The JSON-RPC method of the message; undefined for a request without one (the SSE GET). */
  method?: string;
  call?: {
    tool: string;
    /** The arguments exactly as forwarded. */
    arguments: unknown;
    caller: CallTokenCaller;
    sessionId: string;
    /** Set when the call runs because an approver approved it. */
    approvalId?: string;
  };
}

export interface CallTokenMinter {
  /** `iss`: Airlock's public base URL (the JWKS is at `<iss>/.well-known/jwks.json`). */
  issuer(): string;
  signer: CallTokenSigner;
  /** Milliseconds since the epoch. */
  now?: () => number;
  newId?: () => string;
}

/** Mints one call token: a compact JWS built here around the signer's signature. */
export async function mintCallToken(minter: CallTokenMinter, request: CallTokenRequest): Promise<string> {
  const lifetime = request.lifetimeSeconds;
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_CALL_TOKEN_LIFETIME_SECONDS) {
    throw new RangeError(`a call token lives 1 to ${MAX_CALL_TOKEN_LIFETIME_SECONDS} seconds, not ${lifetime}`);
  }
  const { kid } = await minter.signer.publicKey();
  const iat = Math.floor((minter.now?.() ?? Date.now()) / 1000);
  const call = request.call;
  const claims: Record<string, unknown> = {
    iss: minter.issuer(),
    aud: request.audience,
    sub: call ? call.caller.sub : AIRLOCK_ACTOR,
    ...(call
      ? {
          // RFC 9493: the caller's subject is only unique within its issuer.
          sub_id: { format: 'iss_sub', iss: call.caller.issuer, sub: call.caller.sub },
          act: { sub: AIRLOCK_ACTOR },
        }
      : {}),
    iat,
    nbf: iat,
    exp: iat + lifetime,
    jti: minter.newId?.() ?? randomUUID(),
    ...(request.method !== undefined ? { mcp_method: request.method } : {}),
    ...(call
      ? {
          tool: call.tool,
          args_sha256: argumentsSha256(call.arguments),
          airlock_session: call.sessionId,
          ...(call.approvalId ? { airlock_approval: call.approvalId } : {}),
        }
      : {}),
  };
  const header = { alg: minter.signer.alg, typ: CALL_TOKEN_TYPE, kid };
  const signingInput = `${base64urlJson(header)}.${base64urlJson(claims)}`;
  const signature = await minter.signer.sign(Buffer.from(signingInput, 'ascii'));
  return `${signingInput}.${Buffer.from(signature).toString('base64url')}`;
}

/** The JWKS document (RFC 7517) with the signer's public key. */
export async function callTokenJwks(signer: CallTokenSigner): Promise<{ keys: Array<PublicJwk & { kid: string; alg: string; use: 'sig' }> }> {
  const { kid, jwk } = await signer.publicKey();
  return { keys: [{ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, kid, alg: signer.alg, use: 'sig' }] };
}

/** RFC 7638 thumbprint of an EC public key: SHA-256 over its required members in lexicographic order. */
export function jwkThumbprint(jwk: PublicJwk): string {
  return createHash('sha256')
    .update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }))
    .digest('base64url');
}

/** The public members of a JWK node:crypto exported, checked to be a P-256 key. */
export function p256PublicJwk(exported: { kty?: string; crv?: string; x?: string; y?: string }): PublicJwk {
  if (exported.kty !== 'EC' || exported.crv !== 'P-256' || !exported.x || !exported.y) throw new Error('expected an EC P-256 public key');
  return { kty: 'EC', crv: 'P-256', x: exported.x, y: exported.y };
}

const base64urlJson = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
