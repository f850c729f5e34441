import { join, resolve } from 'node:path';
import { loadOrCreateDevIssuer } from '../../lambdas/auth/dev-issuer';
import { readConfig } from '../../lambdas/shared/config';
import { parseFlags, UsageError } from '../args';

/** `airlock token --sub NAME --groups a,b [--email E] [--ttl SECONDS]`: a dev token for the local gateway. */
export async function tokenCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, {
    sub: { type: 'string' },
    groups: { type: 'string', default: 'llm-users' },
    email: { type: 'string' },
    ttl: { type: 'string' },
  });
  if (!values.sub) throw new UsageError('--sub NAME is required');
  const ttlSeconds = values.ttl === undefined ? undefined : Number(values.ttl);
  if (ttlSeconds !== undefined && !(Number.isInteger(ttlSeconds) && ttlSeconds > 0)) throw new UsageError('--ttl must be a positive number of seconds');
  const config = readConfig('local');
  const issuer = await loadOrCreateDevIssuer(join(resolve(config.AIRLOCK_DATA_DIR), 'dev-issuer.json'));
  const token = await issuer.mint({
    sub: values.sub,
    groups: values.groups.split(',').map((g) => g.trim()).filter(Boolean),
    ...(values.email ? { email: values.email } : {}),
    ...(ttlSeconds ? { ttlSeconds } : {}),
  });
  process.stdout.write(`${token}\n`);
  return 0;
}
