import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, type JsonWebKey, type KeyObject } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { jwkThumbprint, p256PublicJwk, type CallTokenSigner } from '../lambdas/gateway/mcp/call-tokens';

/**
 * The local runtime's key for per-call upstream tokens: an EC P-256 private key (JWK) in a 0600
 * file under the data directory, created once (atomically, so two processes agree), so tokens and
 * the JWKS survive a restart. In AWS the key is a KMS key instead (lambdas/aws/kms-call-token-signer.ts).
 */
export async function loadOrCreateCallTokenKey(file: string): Promise<CallTokenSigner> {
  const existing = await readKey(file);
  if (existing) return signerFor(existing);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const temp = `${file}.${randomBytes(8).toString('hex')}.tmp`;
  await writeFile(temp, JSON.stringify({ version: 1, privateJwk: privateKey.export({ format: 'jwk' }) }), { mode: 0o600, flag: 'wx' });
  try {
    await link(temp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await unlink(temp);
  }
  const key = await readKey(file);
  if (!key) throw invalid(file);
  return signerFor(key);
}

function signerFor(privateKey: KeyObject): CallTokenSigner {
  const jwk = p256PublicJwk(createPublicKey(privateKey).export({ format: 'jwk' }));
  const publicKey = Promise.resolve({ kid: jwkThumbprint(jwk), jwk });
  return {
    alg: 'ES256',
    publicKey: () => publicKey,
    sign: async (signingInput) => sign('sha256', signingInput, { key: privateKey, dsaEncoding: 'ieee-p1363' }),
  };
}

async function readKey(file: string): Promise<KeyObject | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as { version?: unknown; privateJwk?: { kty?: string; crv?: string; d?: string } };
    if (parsed.version !== 1 || parsed.privateJwk?.kty !== 'EC' || parsed.privateJwk.crv !== 'P-256' || !parsed.privateJwk.d) throw invalid(file);
    return createPrivateKey({ key: parsed.privateJwk as JsonWebKey, format: 'jwk' });
  } catch {
    throw invalid(file);
  }
}

const invalid = (file: string) => new Error(`MCP call-token key file ${file} is not valid; delete it to create a new key`);
