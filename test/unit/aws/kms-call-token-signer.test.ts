import { generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { GetPublicKeyCommand, SignCommand } from '@aws-sdk/client-kms';
import { ecdsaDerToJose } from '../../../lambdas/aws/ecdsa-signature';
import { kmsCallTokenSigner, type KmsSigningClient } from '../../../lambdas/aws/kms-call-token-signer';
import { awsMcpDeps } from '../../../lambdas/aws/mcp-upstreams';
import { readConfig } from '../../../lambdas/shared/config';
import { mintCallToken } from '../../../lambdas/gateway/mcp/call-tokens';

describe('DER to JOSE ECDSA signatures (what KMS returns → what JWS needs)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  it('converts node:crypto DER signatures into r ‖ s that verify as IEEE P1363, short r and s included', () => {
    let shortComponents = 0;
    for (let i = 0; i < 3000 && (i < 200 || shortComponents === 0); i++) {
      const message = randomBytes(48);
      const der = sign('sha256', message, privateKey);
      // r or s below 2^248 is encoded in fewer than 32 bytes: it must be left-padded.
      if (der[3]! < 32 || der[der[3]! + 5]! < 32) shortComponents++;

      const jose = ecdsaDerToJose(der, 32);

      expect(jose).toHaveLength(64);
      expect(verify('sha256', message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, jose)).toBe(true);
    }
    expect(shortComponents).toBeGreaterThan(0);
  });

  it.each([
    ['an empty input', []],
    ['a truncated sequence', [0x30, 0x06, 0x02, 0x01, 0x01, 0x02]],
    ['trailing bytes', [0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x00]],
    ['no SEQUENCE', [0x31, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]],
    ['a negative INTEGER', [0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x01]],
    ['a non-minimal INTEGER', [0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x01]],
    ['an INTEGER wider than the curve', [0x30, 0x26, 0x02, 0x21, 0x01, ...new Array(32).fill(0), 0x02, 0x01, 0x01]],
  ])('refuses %s', (_name, bytes) => {
    expect(() => ecdsaDerToJose(Uint8Array.from(bytes), 32)).toThrow(/not a DER ECDSA signature/);
  });
});

describe('KMS call-token signer faults', () => {
  it('mints no token when KMS refuses to sign', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const sent: string[] = [];
    const client: KmsSigningClient = {
      async send(command) {
        sent.push(command.constructor.name);
        if (command instanceof GetPublicKeyCommand)
          return { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', PublicKey: publicKey.export({ format: 'der', type: 'spki' }) };
        if (command instanceof SignCommand) throw Object.assign(new Error('User is not authorized to perform: kms:Sign'), { name: 'AccessDeniedException' });
        throw new Error('unexpected command');
      },
    };
    const signer = kmsCallTokenSigner({ keyId: 'arn:aws:kms:eu-west-1:111122223333:key/test', client });

    await expect(
      mintCallToken({ signer, issuer: () => 'https://airlock.example.com' }, { audience: 'db', lifetimeSeconds: 60, method: 'initialize' }),
    ).rejects.toThrow(/kms:Sign/);
    expect(sent).toEqual(['GetPublicKeyCommand', 'SignCommand']);
  });

  it('refuses a key that is not an ECC_NIST_P256 signing key, and asks KMS again next time', async () => {
    let reads = 0;
    const client: KmsSigningClient = {
      async send() {
        reads++;
        return { KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY', PublicKey: new Uint8Array(1) };
      },
    };
    const signer = kmsCallTokenSigner({ keyId: 'alias/wrong', client });

    await expect(signer.publicKey()).rejects.toThrow('KMS key alias/wrong must be an ECC_NIST_P256 SIGN_VERIFY key (it is RSA_2048 / SIGN_VERIFY)');
    await expect(signer.publicKey()).rejects.toThrow(/ECC_NIST_P256/);
    expect(reads).toBe(2);
  });
});

describe('MCP function wiring of per-call tokens', () => {
  const env = (extra: Record<string, string> = {}) => ({
    AIRLOCK_SESSION_TABLE: 't',
    AIRLOCK_APPROVAL_TABLE: 'a',
    AIRLOCK_TRANSCRIPT_BUCKET: 'b',
    AIRLOCK_PUBLIC_BASE_URL: 'https://airlock.example.com/prod',
    AIRLOCK_MCP_UPSTREAMS: JSON.stringify([
      { name: 'db', url: 'https://db-mcp.example.com/mcp', groups: ['llm-users'], credential: { mode: 'per-call-token' } },
    ]),
    ...extra,
  });

  it('refuses to start with a per-call-token upstream but no signing key, naming the setting', () => {
    expect(() => awsMcpDeps(readConfig('mcp', env()))).toThrow('MCP upstream db: per-call tokens need the signing key (AIRLOCK_MCP_CALL_TOKEN_KEY_ARN)');
  });

  it('wires the KMS signer (JWKS and upstream tokens) once the key is configured', () => {
    const deps = awsMcpDeps(readConfig('mcp', env({ AIRLOCK_MCP_CALL_TOKEN_KEY_ARN: 'arn:aws:kms:eu-west-1:111122223333:key/k' })));

    expect(deps.callTokenSigner?.alg).toBe('ES256');
    expect(deps.upstreams.map((u) => u.name)).toEqual(['db']);
  });
});
