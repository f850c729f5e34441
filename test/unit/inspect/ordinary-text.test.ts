import { chars, HEX, inspector } from './fixtures';

const ins = inspector();

/** Everyday prompt material: none of it holds a secret or personal data. */
const samples: Record<string, string> = {
  typescript: `import { createHash } from 'node:crypto';
export async function rotateKey(store: KeyStore, keyId: string): Promise<void> {
  const current = await store.get(keyId);
  if (!current) throw new Error(\`key \${keyId} not found\`);
  const token = await issueToken({ audience: config.audience, ttlSeconds: 900 });
  headers.set('authorization', \`Bearer \${token}\`);
  const password = form.get('password') ?? '';
  return store.put({ ...current, rotatedAt: Date.now(), secretRef: current.secretRef });
}`,
  python: `def authenticate(username: str, password: str) -> bool:
    user = User.objects.get(username=username)
    secret_key = settings.SECRET_KEY
    token = jwt.encode({"sub": user.id}, secret_key, algorithm="HS256")
    return check_password(password, user.password_hash)`,
  yaml: `services:
  api:
    image: ghcr.io/acme/api:1.42.0
    environment:
      DB_PASSWORD: \${DB_PASSWORD}
      API_KEY: \${API_KEY:?set me}
      LOG_LEVEL: info
    ports: ["8080:8080"]`,
  sql: `SELECT u.id, u.email_verified, count(o.id) AS orders
FROM users u LEFT JOIN orders o ON o.user_id = u.id
WHERE u.created_at >= '2024-01-01' GROUP BY u.id ORDER BY orders DESC LIMIT 50;`,
  shell: `export AWS_PROFILE=staging
aws s3 cp ./dist s3://acme-static/site --recursive --cache-control max-age=300
git log --oneline -n 5 && git rev-parse HEAD
curl -s -H "Authorization: Bearer $TOKEN" https://api.example.com/v1/items | jq '.items[] | .id'`,
  logs: `2024-05-02T10:15:32.120Z INFO request_id=7f3c2a1e-9b4d-4e8f-a2c1-5d6e7f8a9b0c status=200 duration_ms=41 bytes=5123
2024-05-02T10:15:33.004Z WARN retrying upstream=10.0.3.17:443 attempt=2 backoff_ms=250
commit ${chars(40, HEX)} (HEAD -> main, origin/main)`,
  lockfile: `"node_modules/ulid": {
  "version": "3.0.2",
  "resolved": "https://registry.npmjs.org/ulid/-/ulid-3.0.2.tgz",
  "integrity": "sha512-${chars(86)}=="
}`,
  prose: `Thanks for the review! I think the token bucket should refill every second, and the API key rotation
can wait until next sprint. The password policy (12+ characters, no reuse of the last 5) is in the wiki.
Version 2.4.1 shipped on 2024-03-18; call volume dropped 30% and p99 latency is now 180 ms.`,
  markdown: `| Setting | Default | Notes |
| --- | --- | --- |
| \`timeout_ms\` | 30000 | per request |
| \`max_tokens\` | 1024 | model dependent |
See [the docs](https://docs.example.com/config#secrets) for the secret manager setup.`,
  dockerfile: `FROM node:22-slim AS build
WORKDIR /app
COPY package*.json ./
RUN npm ci --omit=dev
ENV NODE_ENV=production PORT=8080
CMD ["node", "dist/server.js"]`,
};

describe('ordinary code and prose', () => {
  it.each(Object.entries(samples))('leaves %s unchanged', (_kind, text) => {
    expect(ins.maskText(text)).toEqual({ masked: text, findings: [] });
  });
});
