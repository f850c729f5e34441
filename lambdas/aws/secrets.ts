import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { errorForLog, logger } from '../shared/logger';
import { cachedSecret, type SecretsClient } from './secret-value';

/**
 * Secrets Manager reads of the AWS runtime: the upstream keys and the approval-link key, each
 * cached for a bounded time (secret-value.ts), so a `put-secret-value` rotation reaches warm
 * functions within a minute without a read per request.
 */

/** One Secrets Manager client per container, shared by every secret it reads. */
export const secretsClient = new SecretsManagerClient({});

/** The secret holds the key as a plain string or as JSON `{ "apiKey": "…" }`. */
export function upstreamKeyFromSecret(secretArn: string | undefined, client: SecretsClient = secretsClient): () => Promise<string | undefined> {
  if (!secretArn) return async () => undefined;
  return cachedSecret({
    client,
    secretId: secretArn,
    parse: upstreamKeyOf,
    onStaleServed: (err) => logger.warn('upstream key refresh failed; serving the previous value', { secretArn, error: errorForLog(err) }),
  });
}

function upstreamKeyOf(secretString: string | undefined): string | undefined {
  const value = secretString?.trim();
  if (!value) return undefined;
  if (!value.startsWith('{')) return value;
  const parsed = JSON.parse(value) as { apiKey?: unknown };
  return typeof parsed.apiKey === 'string' ? parsed.apiKey : undefined;
}

/** The approval-link key (at least 32 bytes), with the same bounded lifetime as upstream keys. */
export function linkKeyFromSecret(secretArn: string, client: SecretsClient = secretsClient): () => Promise<Uint8Array> {
  return cachedSecret({
    client,
    secretId: secretArn,
    parse: (secretString) => {
      const key = Buffer.from(secretString?.trim() ?? '', 'utf8');
      if (key.length < 32) throw new Error('the approval link secret must hold at least 32 characters');
      return key;
    },
  });
}
