import { z } from 'zod';

/**
 * The runtime configuration of every function and of the local runtime: the one place
 * environment variables are read. The CDK stack sets these; `npm start` sets them for local.
 */
const csv = z
  .string()
  .optional()
  .transform((s) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : []));

const intWithDefault = (dflt: number) => z.coerce.number().int().positive().default(dflt);

const oidcIssuer = z
  .object({
    issuer: z.string().url(),
    /** Required: null only when a deployer explicitly accepts any audience. */
    audience: z.union([z.string(), z.array(z.string()), z.null()]),
    groupsClaim: z.string().default('groups'),
    jwksUri: z.string().url().optional(),
  })
  .strict();

export type OidcIssuerConfig = z.infer<typeof oidcIssuer>;

const envSchema = z.object({
  AIRLOCK_SESSION_TABLE: z.string().optional(),
  AIRLOCK_TRANSCRIPT_BUCKET: z.string().optional(),
  /** OpenAI-compatible upstream base URL, e.g. https://api.openai.com/v1. Unset: the built-in echo model. */
  AIRLOCK_UPSTREAM_URL: z.string().url().optional(),
  /** Local runtime only: the upstream key in the environment. In AWS the key is in Secrets Manager. */
  AIRLOCK_UPSTREAM_API_KEY: z.string().optional(),
  AIRLOCK_UPSTREAM_SECRET_ARN: z.string().optional(),
  AIRLOCK_UPSTREAM_TIMEOUT_MS: intWithDefault(60_000),
  AIRLOCK_UPSTREAM_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
  AIRLOCK_MAX_BODY_BYTES: intWithDefault(1_048_576),
  AIRLOCK_SESSION_TTL_DAYS: intWithDefault(400),
  AIRLOCK_POLICY_FILE: z.string().default('airlock.policy.yaml'),
  AIRLOCK_COGNITO_USER_POOL_ID: z.string().optional(),
  AIRLOCK_COGNITO_CLIENT_IDS: csv,
  /** JSON array of trusted OIDC issuers: [{ issuer, audience, groupsClaim?, jwksUri? }]. */
  AIRLOCK_OIDC_ISSUERS: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (!s) return [];
      try {
        return z.array(oidcIssuer).parse(JSON.parse(s));
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `AIRLOCK_OIDC_ISSUERS is not a valid issuer list (${(err as Error).message.slice(0, 200)})` });
        return z.NEVER;
      }
    }),
  AIRLOCK_PUBLIC_BASE_URL: z.string().url().optional(),
});

export type RuntimeConfig = z.infer<typeof envSchema>;

export function readRuntimeConfig(env: Record<string, string | undefined> = process.env): RuntimeConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}
