import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateDevIssuer } from '../../../lambdas/auth/dev-issuer';
import { createTokenVerifier } from '../../../lambdas/auth/verifier';

describe('dev issuer', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'airlock-dev-issuer-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('mints a token the verifier accepts when it trusts the issuer', async () => {
    const devIssuer = await loadOrCreateDevIssuer(join(dir, '.airlock', 'dev-issuer.json'));
    const verifier = createTokenVerifier({ issuers: [devIssuer.trustedIssuer] });

    const token = await devIssuer.mint({ sub: 'alice', groups: ['llm-users', 'approvers'], email: 'alice@example.test' });
    const principal = await verifier.verify(token);

    expect(principal).toMatchObject({ issuer: devIssuer.issuer, sub: 'alice', email: 'alice@example.test', groups: ['llm-users', 'approvers'] });
    expect(principal.claims).toMatchObject({ aud: 'airlock-local' });
  });

  it('stores the key pair in a file only its owner can read', async () => {
    const file = join(dir, '.airlock', 'dev-issuer.json');

    await loadOrCreateDevIssuer(file);

    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ version: 1, privateJwk: { kty: 'RSA' } });
  });

  it('reloads the same keys, so a token minted by one process is accepted by another', async () => {
    const file = join(dir, 'dev-issuer.json');
    const minter = await loadOrCreateDevIssuer(file);
    const server = await loadOrCreateDevIssuer(file, { issuer: 'http://localhost/ignored-because-the-file-exists' });

    const principal = await createTokenVerifier({ issuers: [server.trustedIssuer] }).verify(await minter.mint({ sub: 'bob', groups: ['llm-users'] }));

    expect(server.issuer).toBe(minter.issuer);
    expect(principal.sub).toBe('bob');
  });

  it('creates one key pair when two processes start at the same time', async () => {
    const file = join(dir, 'dev-issuer.json');

    const [first, second] = await Promise.all([loadOrCreateDevIssuer(file), loadOrCreateDevIssuer(file)]);

    expect(first.jwks).toEqual(second.jwks);
  });

  it('refuses a token from another dev issuer file under the same issuer URL, and says it likely came from another data directory', async () => {
    const trusted = await loadOrCreateDevIssuer(join(dir, 'trusted.json'));
    const stranger = await loadOrCreateDevIssuer(join(dir, 'stranger.json'));

    const attempt = createTokenVerifier({ issuers: [trusted.trustedIssuer] }).verify(await stranger.mint({ sub: 'mallory', groups: ['llm-users'] }));

    await expect(attempt).rejects.toMatchObject({ status: 401, message: expect.stringMatching(/^The bearer token is signed with a key the issuer does not publish\. .*another AIRLOCK_DATA_DIR/) });
  });

  it('uses the issuer and audience given when it creates the file', async () => {
    const devIssuer = await loadOrCreateDevIssuer(join(dir, 'custom.json'), { issuer: 'http://localhost:9999/dev-issuer', audience: 'airlock-9999' });

    const token = await devIssuer.mint({ sub: 'carol', groups: [], ttlSeconds: 60 });
    const principal = await createTokenVerifier({ issuers: [devIssuer.trustedIssuer] }).verify(token);

    expect([principal.issuer, principal.claims.aud]).toEqual(['http://localhost:9999/dev-issuer', 'airlock-9999']);
    expect(Number(principal.claims.exp) - Number(principal.claims.iat)).toBe(60);
  });

  it('names the file to delete when it is not a valid issuer file', async () => {
    const file = join(dir, 'broken.json');
    await writeFile(file, '{"version":1}');

    await expect(loadOrCreateDevIssuer(file)).rejects.toThrow(`dev issuer file ${file} is not valid; delete it to create a new key pair`);
  });
});
