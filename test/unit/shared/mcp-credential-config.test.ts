import { readConfig } from '../../../lambdas/shared/config';

const upstreams = (credential: Record<string, unknown>) =>
  JSON.stringify([{ name: 'db', url: 'https://db-mcp.example.com/mcp', groups: ['llm-users'], credential }]);
const read = (credential: Record<string, unknown>) =>
  readConfig('local', { AIRLOCK_MCP_UPSTREAMS: upstreams(credential) }).AIRLOCK_MCP_UPSTREAMS[0]!.credential;

describe('MCP upstream credential modes (AIRLOCK_MCP_UPSTREAMS)', () => {
  it('keeps a credential without a mode static, as before', () => {
    expect(read({ env: 'DB_TOKEN' })).toEqual({ mode: 'static', env: 'DB_TOKEN', header: 'authorization' });
  });

  it('accepts a per-call-token credential with its audience, lifetime and header', () => {
    expect(read({ mode: 'per-call-token', audience: 'urn:db', lifetimeSeconds: 300, header: 'x-call-token' })).toEqual({
      mode: 'per-call-token',
      audience: 'urn:db',
      lifetimeSeconds: 300,
      header: 'x-call-token',
    });
  });

  it('refuses a lifetime over five minutes', () => {
    expect(() => read({ mode: 'per-call-token', lifetimeSeconds: 301 })).toThrow(/AIRLOCK_MCP_UPSTREAMS\[0\]\.credential\.lifetimeSeconds/);
  });

  it('refuses a per-call-token credential that also names a stored secret, and token settings on a static one', () => {
    expect(() => read({ mode: 'per-call-token', secretArn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:x' })).toThrow(
      /credential\.secretArn: a per-call-token credential is minted by Airlock/,
    );
    expect(() => read({ env: 'DB_TOKEN', audience: 'urn:db' })).toThrow(/credential\.audience: only a per-call-token credential has this setting/);
  });

  it('lets the MCP function run without a signing key and takes it when given', () => {
    const base = {
      AIRLOCK_SESSION_TABLE: 't',
      AIRLOCK_APPROVAL_TABLE: 'a',
      AIRLOCK_TRANSCRIPT_BUCKET: 'b',
      AIRLOCK_PUBLIC_BASE_URL: 'https://airlock.example.com/prod',
      AIRLOCK_MCP_UPSTREAMS: '[]',
    };

    expect(readConfig('mcp', base).AIRLOCK_MCP_CALL_TOKEN_KEY_ARN).toBeUndefined();
    expect(readConfig('mcp', { ...base, AIRLOCK_MCP_CALL_TOKEN_KEY_ARN: 'arn:aws:kms:eu-west-1:111122223333:key/k' }).AIRLOCK_MCP_CALL_TOKEN_KEY_ARN).toBe(
      'arn:aws:kms:eu-west-1:111122223333:key/k',
    );
  });
});
