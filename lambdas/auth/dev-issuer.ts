import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import type { Jwks } from 'aws-jwt-verify/jwk';
import * as z from '../shared/zod';
import type { TrustedIssuer } from './verifier';

/**
 * The local runtime's token issuer: an RSA key pair kept in a 0600 JSON file, so the server and
 * `airlock token` (separate processes) mint and accept the same tokens. Local use only: the issuer
 * is an http URL whose keys are handed to the verifier directly, never fetched.
 */
export interface DevIssuer {
  issuer: string;
  audience: string;
  jwks: Jwks;
  /** What the verifier needs to trust this issuer. */
  trustedIssuer: TrustedIssuer;
  mint(claims: DevTokenClaims): Promise<string>;
}

export interface DevTokenClaims {
  sub: string;
  groups: string[];
  email?: string;
  /** Default 12 hours. */
  ttlSeconds?: number;
}

export const DEV_ISSUER_DEFAULTS = { issuer: 'http://localhost/airlock-dev-issuer', audience: 'airlock-local' } as const;
const ALG = 'RS256';
const DEFAULT_TTL_SECONDS = 12 * 3600;

const fileSchema = z.object({
  version: z.literal(1),
  issuer: z.url(),
  audience: z.string().check(z.minLength(1)),
  kid: z.string().check(z.minLength(1)),
  privateJwk: z.looseObject({ kty: z.literal('RSA'), d: z.string() }),
  publicJwk: z.looseObject({ kty: z.literal('RSA'), n: z.string(), e: z.string() }),
});
type DevIssuerFile = z.infer<typeof fileSchema>;

/**
 * Reads the issuer from `file`, creating it (keys, issuer, audience from `defaults`) on first use.
 * An existing file keeps its own issuer and audience.
 */
export async function loadOrCreateDevIssuer(file: string, defaults: { issuer?: string; audience?: string } = {}): Promise<DevIssuer> {
  const stored = (await readIssuerFile(file)) ?? (await createIssuerFile(file, defaults));
  return devIssuerFrom(stored);
}

async function readIssuerFile(file: string): Promise<DevIssuerFile | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let parsed: ReturnType<typeof fileSchema.safeParse>;
  try {
    parsed = fileSchema.safeParse(JSON.parse(text));
  } catch {
    parsed = fileSchema.safeParse(undefined);
  }
  if (!parsed.success) throw new Error(`dev issuer file ${file} is not valid; delete it to create a new key pair`);
  return parsed.data;
}

async function createIssuerFile(file: string, defaults: { issuer?: string; audience?: string }): Promise<DevIssuerFile> {
  const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const created: DevIssuerFile = {
    version: 1,
    issuer: defaults.issuer ?? DEV_ISSUER_DEFAULTS.issuer,
    audience: defaults.audience ?? DEV_ISSUER_DEFAULTS.audience,
    kid: await calculateJwkThumbprint(publicJwk),
    privateJwk: (await exportJWK(privateKey)) as DevIssuerFile['privateJwk'],
    publicJwk: publicJwk as DevIssuerFile['publicJwk'],
  };
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  // Written aside, then linked into place: linking fails if another process got there first, and a
  // reader never sees a half-written file. The loser of that race uses the winner's keys.
  const temp = `${file}.${randomUUID()}.tmp`;
  await writeFile(temp, JSON.stringify(created, null, 2), { mode: 0o600, flag: 'wx' });
  try {
    await link(temp, file);
    return created;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const winner = await readIssuerFile(file);
    if (!winner) throw err;
    return winner;
  } finally {
    await unlink(temp);
  }
}

async function devIssuerFrom(stored: DevIssuerFile): Promise<DevIssuer> {
  const signingKey = await importJWK(stored.privateJwk as JWK, ALG);
  const jwks: Jwks = { keys: [{ ...(stored.publicJwk as Record<string, string>), kid: stored.kid, alg: ALG, use: 'sig', kty: 'RSA' }] };
  return {
    issuer: stored.issuer,
    audience: stored.audience,
    jwks,
    trustedIssuer: {
      issuer: stored.issuer,
      audience: stored.audience,
      groupsClaim: 'groups',
      jwks,
      unknownKeyHint: 'It was probably minted with another AIRLOCK_DATA_DIR: mint one with `airlock token` using the data directory of this gateway.',
    },
    mint({ sub, groups, email, ttlSeconds = DEFAULT_TTL_SECONDS }) {
      if (!sub) throw new Error('a dev token needs a subject');
      if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw new Error('ttlSeconds must be a positive integer');
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ groups, ...(email ? { email } : {}) })
        .setProtectedHeader({ alg: ALG, kid: stored.kid, typ: 'JWT' })
        .setIssuer(stored.issuer)
        .setAudience(stored.audience)
        .setSubject(sub)
        .setIssuedAt(now)
        .setExpirationTime(now + ttlSeconds)
        .setJti(randomUUID())
        .sign(signingKey);
    },
  };
}
