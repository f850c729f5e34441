import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SimpleFetcher, type Fetcher } from 'aws-jwt-verify/https';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

/**
 * A real OpenID Connect issuer (`oidc-provider`) over HTTPS on 127.0.0.1, with a self-signed
 * certificate made at start. Good tokens come from its token endpoint; `forge` signs deliberately
 * bad ones with keys the test controls (the issuer's own key included, so a forged expired token
 * fails for being expired, not for its signature).
 */
export interface TestClient {
  clientId: string;
  clientSecret: string;
  /** Put into the token's groups claim (omitted when undefined). */
  groups?: string[];
  /** Further claims the issuer adds to this client's tokens (e.g. `repository` for a CI job). */
  claims?: Record<string, unknown>;
}

export interface ForgeOptions {
  /** Claims merged over the defaults (iss, aud, sub, iat, exp, groups); `undefined` removes one. */
  claims?: Record<string, unknown>;
  /** `issuer`: the issuer's real key and kid; `other`: a key the issuer never published. */
  key?: 'issuer' | 'other';
  /** Override the header kid (e.g. the issuer's kid on a token signed by another key). */
  kid?: string;
  /** `none`: an unsigned token. */
  alg?: 'RS256' | 'none';
}

export interface TestOidcIssuer {
  issuer: string;
  /** The audience the issuer puts in client-credentials tokens (its one resource server). */
  audience: string;
  groupsClaim: string;
  /** Trusts the test certificate only, for this issuer's discovery and JWKS. */
  fetcher: Fetcher;
  kid: string;
  clientCredentialsToken(clientId: string, options?: { resource?: string; scope?: string }): Promise<string>;
  forge(options?: ForgeOptions): Promise<string>;
  close(): Promise<void>;
}

export interface StartOptions {
  clients: TestClient[];
  audience?: string;
  groupsClaim?: string;
  /** Extra resource servers the issuer will mint tokens for (to obtain a real token for another audience). */
  otherAudiences?: string[];
}

const SCOPE = 'airlock/invoke';

interface ProviderInstance {
  callback(): (req: unknown, res: unknown) => void;
}
type ProviderConstructor = new (issuer: string, configuration: Record<string, unknown>) => ProviderInstance;

export async function startOidcIssuer(options: StartOptions): Promise<TestOidcIssuer> {
  const audience = options.audience ?? 'https://airlock.test/api';
  const groupsClaim = options.groupsClaim ?? 'groups';
  const { key: tlsKey, cert } = await selfSignedCertificate();
  const signing = await rsaKey();
  const other = await rsaKey();

  // eslint-disable-next-line prefer-const -- set once the provider exists; the server's callback reads it
  let app: ((req: unknown, res: unknown) => void) | undefined;
  const server: Server = createServer({ key: tlsKey, cert }, (req, res) => app?.(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // oidc-provider ships no type declarations; a non-literal specifier keeps tsc from looking for them.
  const providerModule = 'oidc-provider';
  const { default: Provider } = (await import(providerModule)) as { default: ProviderConstructor };
  const audiences = new Set([audience, ...(options.otherAudiences ?? [])]);
  const byClientId = new Map(options.clients.map((c) => [c.clientId, c]));
  const provider = new Provider(issuer, {
    clients: options.clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      scope: SCOPE,
    })),
    adapter: MemoryAdapter,
    ttl: { ClientCredentials: 300 },
    jwks: { keys: [signing.privateJwk] },
    cookies: { keys: [randomUUID()] },
    scopes: [SCOPE],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => audience,
        getResourceServerInfo: (_ctx: unknown, resource: string) => {
          if (!audiences.has(resource)) throw new Error(`unknown resource ${resource}`);
          return { scope: SCOPE, audience: resource, accessTokenFormat: 'jwt', accessTokenTTL: 300, jwt: { sign: { alg: 'RS256' } } };
        },
      },
    },
    extraTokenClaims: (_ctx: unknown, token: { clientId?: string }) => {
      const client = token.clientId ? byClientId.get(token.clientId) : undefined;
      if (!client) return undefined;
      return { ...(client.groups ? { [groupsClaim]: client.groups } : {}), ...client.claims };
    },
  });
  app = provider.callback();

  const requestOptions = { ca: cert };
  return {
    issuer,
    audience,
    groupsClaim,
    fetcher: new SimpleFetcher({ defaultRequestOptions: requestOptions }),
    kid: signing.kid,
    async clientCredentialsToken(clientId, { resource = audience, scope = SCOPE } = {}) {
      const client = byClientId.get(clientId);
      if (!client) throw new Error(`unknown test client ${clientId}`);
      const body = new URLSearchParams({ grant_type: 'client_credentials', resource, scope }).toString();
      const response = await httpsPost(`${issuer}/token`, body, {
        ca: cert,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64')}`,
        },
      });
      const parsed = JSON.parse(response) as { access_token?: string; error?: string; error_description?: string };
      if (!parsed.access_token) throw new Error(`token endpoint refused: ${parsed.error} ${parsed.error_description ?? ''}`);
      return parsed.access_token;
    },
    async forge({ claims = {}, key = 'issuer', kid, alg = 'RS256' } = {}) {
      const now = Math.floor(Date.now() / 1000);
      const payload: Record<string, unknown> = { iss: issuer, aud: audience, sub: 'forged-caller', iat: now, exp: now + 300, [groupsClaim]: ['llm-users'] };
      for (const [name, value] of Object.entries(claims)) {
        if (value === undefined) delete payload[name];
        else payload[name] = value;
      }
      const signer = key === 'issuer' ? signing : other;
      if (alg === 'none') {
        const encode = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
        return `${encode({ alg: 'none', typ: 'JWT', kid: kid ?? signer.kid })}.${encode(payload)}.`;
      }
      return new SignJWT(payload).setProtectedHeader({ alg, typ: 'JWT', kid: kid ?? signer.kid }).sign(signer.privateKey);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

/** oidc-provider's storage interface over a Map: its built-in one works too, but warns on every start. */
class MemoryAdapter {
  private static readonly store = new Map<string, Record<string, unknown>>();
  constructor(private readonly model: string) {}
  private key(id: string) {
    return `${this.model}:${id}`;
  }
  async upsert(id: string, payload: Record<string, unknown>) {
    MemoryAdapter.store.set(this.key(id), payload);
  }
  async find(id: string) {
    return MemoryAdapter.store.get(this.key(id));
  }
  async findByUid(uid: string) {
    return [...MemoryAdapter.store.values()].find((p) => p.uid === uid);
  }
  async findByUserCode(userCode: string) {
    return [...MemoryAdapter.store.values()].find((p) => p.userCode === userCode);
  }
  async consume(id: string) {
    const payload = MemoryAdapter.store.get(this.key(id));
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id: string) {
    MemoryAdapter.store.delete(this.key(id));
  }
  async revokeByGrantId(grantId: string) {
    for (const [key, payload] of MemoryAdapter.store) if (payload.grantId === grantId) MemoryAdapter.store.delete(key);
  }
}

async function rsaKey(): Promise<{ kid: string; privateKey: CryptoKey; privateJwk: JWK }> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomUUID();
  return { kid, privateKey, privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' } };
}

async function selfSignedCertificate(): Promise<{ key: string; cert: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'airlock-test-tls-'));
  try {
    const keyFile = join(dir, 'key.pem');
    const certFile = join(dir, 'cert.pem');
    await promisify(execFile)('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyFile, '-out', certFile, '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-days', '1',
    ]);
    return { key: await readFile(keyFile, 'utf8'), cert: await readFile(certFile, 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function httpsPost(url: string, body: string, options: { ca: string; headers: Record<string, string> }): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', ca: options.ca, headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
