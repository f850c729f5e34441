import { createHash, createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { jwkThumbprint, p256PublicJwk, type CallTokenSigner, type PublicJwk } from '../gateway/mcp/call-tokens';
import { ecdsaDerToJose } from './ecdsa-signature';

/** The two KMS calls the signer makes; a KMSClient by default. */
export interface KmsSigningClient {
  send(
    command: GetPublicKeyCommand | SignCommand,
  ): Promise<{ PublicKey?: Uint8Array; KeySpec?: string; CustomerMasterKeySpec?: string; KeyUsage?: string; Signature?: Uint8Array }>;
}

/**
 * Call tokens signed by a KMS asymmetric key (ECC_NIST_P256, SIGN_VERIFY): KMS signs the SHA-256
 * digest of the signing input (`MessageType: DIGEST`, so the message never leaves Lambda), its DER
 * signature is converted to JOSE form. The public key is read once per container (GetPublicKey)
 * and kept; a failed read is retried on the next call.
 */
export function kmsCallTokenSigner(options: { keyId: string; client?: KmsSigningClient }): CallTokenSigner {
  const client: KmsSigningClient = options.client ?? (new KMSClient({}) as KmsSigningClient);
  let publicKey: Promise<{ kid: string; jwk: PublicJwk }> | undefined;

  const readPublicKey = async (): Promise<{ kid: string; jwk: PublicJwk }> => {
    const out = await client.send(new GetPublicKeyCommand({ KeyId: options.keyId }));
    // CustomerMasterKeySpec: the older name of KeySpec, which KMS still returns (and some emulators only).
    const spec = out.KeySpec ?? out.CustomerMasterKeySpec;
    if (spec !== 'ECC_NIST_P256' || out.KeyUsage !== 'SIGN_VERIFY' || !out.PublicKey) {
      throw new Error(`KMS key ${options.keyId} must be an ECC_NIST_P256 SIGN_VERIFY key (it is ${spec ?? 'unknown'} / ${out.KeyUsage ?? 'unknown'})`);
    }
    const jwk = p256PublicJwk(createPublicKey({ key: Buffer.from(out.PublicKey), format: 'der', type: 'spki' }).export({ format: 'jwk' }));
    return { kid: jwkThumbprint(jwk), jwk };
  };

  return {
    alg: 'ES256',
    publicKey() {
      publicKey ??= readPublicKey();
      publicKey.catch(() => (publicKey = undefined));
      return publicKey;
    },
    async sign(signingInput) {
      const digest = createHash('sha256').update(signingInput).digest();
      const out = await client.send(new SignCommand({ KeyId: options.keyId, Message: digest, MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' }));
      if (!out.Signature) throw new Error('KMS returned no signature');
      return ecdsaDerToJose(out.Signature, 32);
    },
  };
}
