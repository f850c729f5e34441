import type { GetSecretValueCommand, GetSecretValueCommandOutput } from '@aws-sdk/client-secrets-manager';
import { cachedSecret, type SecretsClient } from '../../../lambdas/aws/secret-value';

/** A Secrets Manager stand-in at the SDK client's seam (`send`): holds a value, counts reads, can fail. */
class FakeSecrets implements SecretsClient {
  value = 'first-value';
  failing = false;
  reads = 0;
  ids: string[] = [];
  async send(command: GetSecretValueCommand): Promise<GetSecretValueCommandOutput> {
    this.reads++;
    this.ids.push(command.input.SecretId ?? '');
    if (this.failing) throw new Error('ThrottlingException');
    return { SecretString: this.value, $metadata: {} };
  }
}

describe('cached secret value', () => {
  let client: FakeSecrets;
  let clock: number;
  const secret = (options: { ttlMs?: number; graceMs?: number; retryAfterFailureMs?: number; onStaleServed?: (err: unknown) => void } = {}) =>
    cachedSecret({ client, secretId: 'arn:secret:upstream', parse: (s) => s ?? '', now: () => clock, ...options });

  beforeEach(() => {
    client = new FakeSecrets();
    clock = 1_000_000;
  });

  it('reads the secret once for many uses within its lifetime', async () => {
    const read = secret({ ttlMs: 60_000 });

    for (let i = 0; i < 50; i++) {
      expect(await read()).toBe('first-value');
      clock += 1_000;
    }

    expect(client.reads).toBe(1);
    expect(client.ids).toEqual(['arn:secret:upstream']);
  });

  it('serves a rotated value on the first use after the lifetime ends', async () => {
    const read = secret({ ttlMs: 60_000 });
    await read();
    client.value = 'rotated-value';

    clock += 59_000;
    const beforeExpiry = await read();
    clock += 1_000;
    const afterExpiry = await read();

    expect(beforeExpiry).toBe('first-value');
    expect(afterExpiry).toBe('rotated-value');
    expect(client.reads).toBe(2);
  });

  it('shares one read between callers arriving together', async () => {
    const read = secret();

    const values = await Promise.all(Array.from({ length: 10 }, () => read()));

    expect(values).toEqual(Array(10).fill('first-value'));
    expect(client.reads).toBe(1);
  });

  it('serves the previous value while refreshes fail within the grace window, and says so', async () => {
    const bridged: unknown[] = [];
    const read = secret({ ttlMs: 60_000, graceMs: 120_000, onStaleServed: (err) => bridged.push(err) });
    await read();
    client.failing = true;

    clock += 61_000;
    const value = await read();

    expect(value).toBe('first-value');
    expect(bridged).toHaveLength(1);
  });

  it('does not ask Secrets Manager again on every call right after a failed refresh', async () => {
    const read = secret({ ttlMs: 60_000, graceMs: 120_000, retryAfterFailureMs: 5_000 });
    await read();
    client.failing = true;
    clock += 61_000;
    await read();
    const readsAfterFailure = client.reads;

    for (let i = 0; i < 20; i++) await read();
    clock += 5_000;
    await read();

    expect(client.reads - readsAfterFailure).toBe(1);
  });

  it('fails once the grace window has passed without a successful read', async () => {
    const read = secret({ ttlMs: 60_000, graceMs: 120_000 });
    await read();
    client.failing = true;

    clock += 60_000 + 120_000;

    await expect(read()).rejects.toThrow('ThrottlingException');
  });

  it('recovers with the new value once Secrets Manager answers again', async () => {
    const read = secret({ ttlMs: 60_000, graceMs: 120_000, retryAfterFailureMs: 1_000 });
    await read();
    client.failing = true;
    clock += 61_000;
    await read();
    client.failing = false;
    client.value = 'rotated-value';

    clock += 1_000;

    expect(await read()).toBe('rotated-value');
  });

  it('fails a first read that fails, and reads again once the failure pause has passed', async () => {
    const read = secret({ retryAfterFailureMs: 5_000 });
    client.failing = true;
    await expect(read()).rejects.toThrow('ThrottlingException');
    client.failing = false;

    await expect(read()).rejects.toThrow('ThrottlingException');
    clock += 5_000;
    const value = await read();

    expect(value).toBe('first-value');
    expect(client.reads).toBe(2);
  });

  it('treats a value its parser refuses like a failed read', async () => {
    const read = cachedSecret({
      client,
      secretId: 'arn:secret:link',
      now: () => clock,
      parse: (s) => {
        if ((s ?? '').length < 32) throw new Error('too short');
        return s!;
      },
    });

    await expect(read()).rejects.toThrow('too short');
  });
});
