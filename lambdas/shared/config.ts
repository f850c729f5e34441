import * as z from 'zod';

/**
 * The runtime configuration of every function and of the local runtime: the one place
 * environment variables are read. The CDK stack sets these; `npm start` sets them for local.
 */
const csv = z
  .string()
  .optional()
  .transform((s) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : []));

const intWithDefault = (dflt: number) => z.coerce.number().int().positive().default(dflt);

/**
 * Groups granted to a token whose claims equal every value in `when` (a claim holding a list, or the
 * space-separated `scope`, matches when it contains the value). For callers without a groups claim:
 * CI tokens (`repository`, `project_path`) or client-credentials tokens (`client_id`, `scope`).
 */
const groupMapping = z
  .object({
    when: z.record(z.string(), z.string()).refine((w) => Object.keys(w).length > 0, 'needs at least one claim'),
    groups: z.array(z.string().min(1)).min(1),
  })
  .strict();

export type GroupMapping = z.infer<typeof groupMapping>;

const jsonList = <T extends z.ZodType>(name: string, item: T) =>
  z
    .string()
    .optional()
    .transform((s, ctx): z.infer<T>[] => {
      if (!s) return [];
      try {
        return z.array(item).parse(JSON.parse(s));
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `${name} is not valid (${(err as Error).message.slice(0, 200)})` });
        return z.NEVER;
      }
    });

const oidcIssuer = z
  .object({
    issuer: z.string().url(),
    /** Required: null only when a deployer explicitly accepts any audience. */
    audience: z.union([z.string(), z.array(z.string()), z.null()]),
    groupsClaim: z.string().default('groups'),
    /** Unset: taken from the issuer's OIDC discovery document. */
    jwksUri: z.string().url().optional(),
    /** Groups every verified token of this issuer gets. Never for shared issuers (GitHub, GitLab.com): use groupMappings. */
    groups: z.array(z.string().min(1)).optional(),
    groupMappings: z.array(groupMapping).optional(),
  })
  .strict();

export type OidcIssuerConfig = z.infer<typeof oidcIssuer>;

const approverSignIn = z
  .object({
    authorizeUrl: z.string().url(),
    tokenUrl: z.string().url(),
    clientId: z.string().min(1),
    scopes: z.array(z.string().min(1)).default(['openid', 'email', 'profile']),
  })
  .strict();

export type ApproverSignInConfig = z.infer<typeof approverSignIn>;

/**
 * An upstream MCP server (Streamable HTTP). Its credential is Airlock's, never the caller's: a value
 * from the environment or a file locally, a Secrets Manager secret in AWS, sent in `header`.
 */
const mcpUpstream = z
  .object({
    /** The tool prefix (`<name>.<tool>`): no dots. */
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'expected a lower-case name without dots (a-z, 0-9, _, -)'),
    url: z.string().url(),
    /** Groups whose members may use this upstream's tools. */
    groups: z.array(z.string().min(1)).min(1),
    credential: z
      .object({
        /** Header the upstream expects, default `authorization`. */
        header: z.string().regex(/^[A-Za-z0-9-]+$/).default('authorization'),
        /** Prefix before the value, e.g. `Bearer` (default for `authorization`). */
        scheme: z.string().optional(),
        env: z.string().optional(),
        file: z.string().optional(),
        secretArn: z.string().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type McpUpstreamConfig = z.infer<typeof mcpUpstream>;

const envSchema = z.object({
  AIRLOCK_SESSION_TABLE: z.string().optional(),
  AIRLOCK_TRANSCRIPT_BUCKET: z.string().optional(),
  /** OpenAI-compatible upstream base URL, e.g. https://api.openai.com/v1. Unset: the built-in echo model. */
  AIRLOCK_UPSTREAM_URL: z.string().url().optional(),
  /** Local runtime only: the upstream key in the environment. In AWS the key is in Secrets Manager. */
  AIRLOCK_UPSTREAM_API_KEY: z.string().optional(),
  AIRLOCK_UPSTREAM_SECRET_ARN: z.string().optional(),
  /** Anthropic Messages upstream (e.g. https://api.anthropic.com/v1), its key locally, its secret in AWS. */
  AIRLOCK_ANTHROPIC_URL: z.string().url().optional(),
  AIRLOCK_ANTHROPIC_API_KEY: z.string().optional(),
  AIRLOCK_ANTHROPIC_SECRET_ARN: z.string().optional(),
  AIRLOCK_UPSTREAM_TIMEOUT_MS: intWithDefault(60_000),
  AIRLOCK_UPSTREAM_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
  AIRLOCK_MAX_BODY_BYTES: intWithDefault(1_048_576),
  AIRLOCK_SESSION_TTL_DAYS: intWithDefault(400),
  AIRLOCK_POLICY_FILE: z.string().default('airlock.policy.yaml'),
  AIRLOCK_COGNITO_USER_POOL_ID: z.string().optional(),
  AIRLOCK_COGNITO_CLIENT_IDS: csv,
  /** JSON array of group mappings for Cognito tokens, e.g. [{"when":{"scope":"airlock/invoke"},"groups":["ci"]}]. */
  AIRLOCK_COGNITO_GROUP_MAPPINGS: jsonList('AIRLOCK_COGNITO_GROUP_MAPPINGS', groupMapping),
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
  /** MCP gateway: JSON array of upstream MCP servers [{ name, url, groups, credential? }]. */
  AIRLOCK_MCP_UPSTREAMS: jsonList('AIRLOCK_MCP_UPSTREAMS', mcpUpstream),
  /** One deadline for an upstream MCP call (connect + request). */
  AIRLOCK_MCP_TIMEOUT_MS: intWithDefault(30_000),
  /** Local runtime: `off` skips the example SQLite MCP upstream. */
  AIRLOCK_MCP_EXAMPLE: z.enum(['on', 'off']).default('on'),
  /** Just-in-time approval: the approval table, the state machine the proxy starts, the approvers' SNS topic. */
  AIRLOCK_APPROVAL_TABLE: z.string().optional(),
  AIRLOCK_APPROVAL_STATE_MACHINE_ARN: z.string().optional(),
  AIRLOCK_APPROVAL_TOPIC_ARN: z.string().optional(),
  /** Secrets Manager secret holding the key that signs approval links and approval-form tokens. */
  AIRLOCK_APPROVAL_LINK_SECRET_ARN: z.string().optional(),
  /** Approver sign-in (OIDC authorization code + PKCE): JSON { authorizeUrl, tokenUrl, clientId, scopes? }. */
  AIRLOCK_APPROVER_SIGN_IN: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (!s) return undefined;
      try {
        return approverSignIn.parse(JSON.parse(s));
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `AIRLOCK_APPROVER_SIGN_IN is not valid (${(err as Error).message.slice(0, 200)})` });
        return z.NEVER;
      }
    }),
  /** EventBridge bus (name or ARN) that receives each finished session's metadata. Unset: no events. */
  AIRLOCK_EVENT_BUS_NAME: z.string().optional(),
  /** Local runtime: listening port, data directory, and policy file (overrides AIRLOCK_POLICY_FILE). */
  AIRLOCK_PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  AIRLOCK_DATA_DIR: z.string().default('.airlock'),
  AIRLOCK_POLICY: z.string().optional(),
});

export type RuntimeConfig = z.infer<typeof envSchema>;

export function readRuntimeConfig(env: Record<string, string | undefined> = process.env): RuntimeConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}
