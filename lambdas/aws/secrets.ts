import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** Secrets Manager reads of the AWS runtime: the upstream keys and the approval-link key. */

const defaultClient = new SecretsManagerClient({});

/** The secret holds the key as a plain string or as JSON `{ "apiKey": "…" }`. Cached for the container's life. */
export function upstreamKeyFromSecret(secretArn: string | undefined, client = defaultClient): () => Promise<string | undefined> {
  if (!secretArn) return async () => undefined;
  let cached: Promise<string | undefined> | undefined;
  return () => {
    cached ??= client
      .send(new GetSecretValueCommand({ SecretId: secretArn }))
      .then((out) => {
        const value = out.SecretString?.trim();
        if (!value) return undefined;
        if (!value.startsWith('{')) return value;
        const parsed = JSON.parse(value) as { apiKey?: unknown };
        return typeof parsed.apiKey === 'string' ? parsed.apiKey : undefined;
      })
      .catch((err: unknown) => {
        cached = undefined;
        throw err;
      });
    return cached;
  };
}

/** The approval-link key from Secrets Manager (at least 32 bytes), read once per container. */
export function linkKeyFromSecret(secretArn: string, client = defaultClient): () => Promise<Uint8Array> {
  let cached: Promise<Uint8Array> | undefined;
  return () => {
    cached ??= client
      .send(new GetSecretValueCommand({ SecretId: secretArn }))
      .then((out) => {
        const key = Buffer.from(out.SecretString?.trim() ?? '', 'utf8');
        if (key.length < 32) throw new Error('the approval link secret must hold at least 32 characters');
        return key;
      })
      .catch((err: unknown) => {
        cached = undefined;
        throw err;
      });
    return cached;
  };
}
