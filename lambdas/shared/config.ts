import * as z from './zod';
import { DEFAULT_MAX_JSON_DEPTH } from './json-depth';
import { upstreamEntry, upstreamList } from './upstream-config';

/**
 * The runtime configuration of every function and of the local runtime: the one place
 * environment variables are read. The CDK stack sets these; `npm start` sets them for local.
 */
const csv = z.pipe(
  z.optional(z.string()),
  z.transform((s) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : [])),
);

const intWithDefault = (dflt: number) => z._default(z.coerce.number().check(z.int(), z.positive()), dflt);

/**
 * Groups granted to a token whose claims equal every value in `when` (a claim holding a list, or the
 * space-separated `scope`, matches when it contains the value). For callers without a groups claim:
 * CI tokens (`repository`, `project_path`) or client-credentials tokens (`client_id`, `scope`).
 */
const groupMapping = z.strictObject({
  when: z.record(z.string(), z.string()).check(z.refine((w) => Object.keys(w).length > 0, 'needs at least one claim')),
  groups: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
});

export type GroupMapping = z.infer<typeof groupMapping>;

/**
 * A setting holding JSON, validated by `schema`. The message names each wrong field by its path
 * (`AIRLOCK_OIDC_ISSUERS[0].audience: expected a string, a list of strings or null`), never a dump.
 */
function parseJsonSetting<T>(name: string, text: string, schema: z.ZodMiniType<T>): { ok: true; value: T } | { ok: false; message: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, message: `${name} is not valid JSON (${(err as Error).message.split('\n')[0]!.slice(0, 120)})` };
  }
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  const issues = result.error.issues.slice(0, 5).map((i) => `${name}${settingPath(i.path)}: ${i.message}`);
  const more = result.error.issues.length > 5 ? ` (and ${result.error.issues.length - 5} more)` : '';
  return { ok: false, message: `${issues.join('; ')}${more}` };
}

const settingPath = (path: PropertyKey[]): string => path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('');

const jsonList = <T extends z.ZodMiniType>(name: string, item: T) =>
  z.pipe(
    z.optional(z.string()),
    z.transform((s, ctx): z.infer<T>[] => {
      if (!s) return [];
      const parsed = parseJsonSetting(name, s, z.array(item));
      if (!parsed.ok) {
        ctx.issues.push({ code: 'custom', message: parsed.message, input: s });
        return z.NEVER;
      }
      return parsed.value;
    }),
  );

const oidcIssuer = z.strictObject({
  issuer: z.url(),
  /** Required: null only when a deployer explicitly accepts any audience. */
  audience: z.union([z.string(), z.array(z.string()), z.null()], { error: 'expected a string, a list of strings, or null (any audience, stated explicitly)' }),
  groupsClaim: z._default(z.string(), 'groups'),
  /** Unset: taken from the issuer's OIDC discovery document. */
  jwksUri: z.optional(z.url()),
  /** Groups every verified token of this issuer gets. Never for shared issuers (GitHub, GitLab.com): use groupMappings. */
  groups: z.optional(z.array(z.string().check(z.minLength(1)))),
  groupMappings: z.optional(z.array(groupMapping)),
});

export type OidcIssuerConfig = z.infer<typeof oidcIssuer>;

const approverSignIn = z.strictObject({
  authorizeUrl: z.url(),
  tokenUrl: z.url(),
  clientId: z.string().check(z.minLength(1)),
  scopes: z._default(z.array(z.string().check(z.minLength(1))), ['openid', 'email', 'profile']),
});

export type ApproverSignInConfig = z.infer<typeof approverSignIn>;

/**
 * An upstream MCP server (Streamable HTTP). Its credential is Airlock's, never the caller's: a value
 * from the environment or a file locally, a Secrets Manager secret in AWS, sent in `header`.
 */
const mcpUpstream = z.strictObject({
  /** The tool prefix (`<name>.<tool>`): no dots. */
  name: z
    .string()
    .check(
      z.regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'expected a lower-case name without dots (a-z, 0-9, _, -)'),
      z.refine((n) => n !== 'airlock', 'the prefix "airlock" is the gateway\'s own tools (airlock.wait_for_approval)'),
    ),
  url: z.url(),
  /** Groups whose members may use this upstream's tools. */
  groups: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
  credential: z.optional(
    z
      .strictObject({
        /** Header the upstream expects, default `authorization`. */
        header: z._default(z.string().check(z.regex(/^[A-Za-z0-9-]+$/)), 'authorization'),
        /** Prefix before the value, e.g. `Bearer` (default for `authorization`). */
        scheme: z.optional(z.string()),
        env: z.optional(z.string()),
        file: z.optional(z.string()),
        secretArn: z.optional(z.string()),
        /**
         * `static` (default): the value from env, file or secretArn on every request. `per-call-token`:
         * a JWT Airlock mints and signs for each request (caller, tool, arguments hash, single use).
         */
        mode: z._default(z.enum(['static', 'per-call-token']), 'static'),
        /** per-call-token: the tokens' `aud` (default the upstream URL). */
        audience: z.optional(z.string().check(z.minLength(1))),
        /** per-call-token: lifetime in seconds, at most 300 (default 60; call-tokens.ts holds the same cap). */
        lifetimeSeconds: z.optional(z.number().check(z.int(), z.gte(1), z.lte(300))),
      })
      .check(
        z.superRefine((c, ctx) => {
          if (c.mode === 'per-call-token') {
            for (const key of ['env', 'file', 'secretArn'] as const) {
              if (c[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'a per-call-token credential is minted by Airlock: it has no env, file or secretArn' });
            }
          } else {
            for (const key of ['audience', 'lifetimeSeconds'] as const) {
              if (c[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'only a per-call-token credential has this setting (mode: "per-call-token")' });
            }
          }
        }),
      ),
  ),
  /** Pinned tools: tool name (without the upstream prefix) → SHA-256 fingerprint of its definition, accepted without review. */
  pins: z.optional(
    z.record(z.string().check(z.minLength(1), z.maxLength(200)), z.string().check(z.regex(/^[0-9a-f]{64}$/, 'expected a SHA-256 fingerprint (64 hex digits)'))),
  ),
  /** Default true: the first listing is recorded as the baseline. False: every tool not pinned is held until an admin approves it. */
  trustOnFirstUse: z.optional(z.boolean()),
});

export type McpUpstreamConfig = z.infer<typeof mcpUpstream>;

/** A row of the price table: a model glob (`gpt-4o*`) and US dollars per million input and output tokens; the first match prices a session. */
const modelPrice = z.strictObject({
  model: z.string().check(z.minLength(1)),
  input_per_million: z.number().check(z.nonnegative()),
  output_per_million: z.number().check(z.nonnegative()),
});

/**
 * Every setting, defined once. A function's schema (below) picks the settings it reads and makes
 * the ones it cannot run without required, so a missing one fails at cold start with its name,
 * and the CDK stack, which types each function's environment by the same schema, fails to compile.
 */
const SETTINGS = {
  AIRLOCK_SESSION_TABLE: z.string().check(z.minLength(1)),
  AIRLOCK_TRANSCRIPT_BUCKET: z.string().check(z.minLength(1)),
  /** OpenAI-compatible upstream base URL, e.g. https://api.openai.com/v1. */
  AIRLOCK_UPSTREAM_URL: z.url(),
  /** Local runtime only: the upstream key in the environment. In AWS the key is in Secrets Manager. */
  AIRLOCK_UPSTREAM_API_KEY: z.optional(z.string()),
  AIRLOCK_UPSTREAM_SECRET_ARN: z.string().check(z.minLength(1)),
  /** Anthropic Messages upstream (e.g. https://api.anthropic.com/v1), its key locally, its secret in AWS. */
  AIRLOCK_ANTHROPIC_URL: z.optional(z.url()),
  AIRLOCK_ANTHROPIC_API_KEY: z.optional(z.string()),
  AIRLOCK_ANTHROPIC_SECRET_ARN: z.optional(z.string()),
  /**
   * The chat upstreams, routed by model id: JSON [{ name, kind, url?, region?, models, secret?, fallback?, aliases? }]
   * (lambdas/shared/upstream-config.ts). Unset: AIRLOCK_UPSTREAM_URL and AIRLOCK_ANTHROPIC_URL, the shorthand.
   */
  AIRLOCK_UPSTREAMS: jsonList('AIRLOCK_UPSTREAMS', upstreamEntry).check(
    z.superRefine((list, ctx) => {
      const checked = upstreamList.safeParse(list);
      if (!checked.success) for (const i of checked.error.issues) ctx.addIssue({ code: 'custom', message: `AIRLOCK_UPSTREAMS${settingPath(i.path)}: ${i.message}` });
    }),
  ),
  AIRLOCK_UPSTREAM_TIMEOUT_MS: intWithDefault(60_000),
  AIRLOCK_UPSTREAM_RETRIES: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(5)), 2),
  /** One deadline per upstream call for everything before the answer starts (all attempts and backoffs). */
  AIRLOCK_UPSTREAM_DEADLINE_MS: intWithDefault(60_000),
  AIRLOCK_MAX_BODY_BYTES: intWithDefault(1_048_576),
  /** Deepest JSON nesting accepted in a body; far below what overflows a recursive walker. */
  AIRLOCK_MAX_JSON_DEPTH: z._default(z.coerce.number().check(z.int(), z.gte(2), z.lte(1000)), DEFAULT_MAX_JSON_DEPTH),
  AIRLOCK_SESSION_TTL_DAYS: intWithDefault(400),
  /** The policy file: YAML locally, the JSON prepared at synth inside a Lambda bundle. */
  AIRLOCK_POLICY: z._default(z.string().check(z.minLength(1)), 'airlock.policy.yaml'),
  /** The interrupted-session sweep marks sessions still in_progress this long after they began (longer than any call can run). */
  AIRLOCK_SWEEP_AFTER_SECONDS: intWithDefault(960),
  AIRLOCK_COGNITO_USER_POOL_ID: z.optional(z.string()),
  AIRLOCK_COGNITO_CLIENT_IDS: csv,
  /** JSON array of group mappings for Cognito tokens, e.g. [{"when":{"scope":"airlock/invoke"},"groups":["ci"]}]. */
  AIRLOCK_COGNITO_GROUP_MAPPINGS: jsonList('AIRLOCK_COGNITO_GROUP_MAPPINGS', groupMapping),
  /** JSON array of trusted OIDC issuers: [{ issuer, audience, groupsClaim?, jwksUri? }]. */
  AIRLOCK_OIDC_ISSUERS: jsonList('AIRLOCK_OIDC_ISSUERS', oidcIssuer),
  /** The gateway's public base URL (with the stage path): links, callbacks and status URLs point there. */
  AIRLOCK_PUBLIC_BASE_URL: z.url(),
  /** MCP gateway: JSON array of upstream MCP servers [{ name, url, groups, credential? }]. */
  AIRLOCK_MCP_UPSTREAMS: jsonList('AIRLOCK_MCP_UPSTREAMS', mcpUpstream),
  /** One deadline for an upstream MCP call (connect + request). */
  AIRLOCK_MCP_TIMEOUT_MS: intWithDefault(30_000),
  /** MCP approvals: how long a reviewed `tools/call` that sent a progressToken is held open (streamed, with progress) for the decision. */
  AIRLOCK_MCP_APPROVAL_HOLD_SECONDS: intWithDefault(240),
  /** MCP approvals: the interval of `notifications/progress` while a call is held. */
  AIRLOCK_MCP_PROGRESS_INTERVAL_MS: intWithDefault(10_000),
  /** MCP approvals: the longest `airlock.wait_for_approval` waits without a progressToken. */
  AIRLOCK_MCP_WAIT_SECONDS: intWithDefault(25),
  /** Local runtime: `off` skips the example SQLite MCP upstream. */
  AIRLOCK_MCP_EXAMPLE: z._default(z.enum(['on', 'off']), 'on'),
  /** Local runtime: how Airlock authenticates to the example upstream (`per-call-token`: it verifies Airlock's per-call JWTs). */
  AIRLOCK_MCP_EXAMPLE_CREDENTIAL: z._default(z.enum(['static', 'per-call-token']), 'static'),
  /** The KMS asymmetric key (ECC_NIST_P256, SIGN_VERIFY) that signs per-call upstream tokens; needed once an upstream uses them. */
  AIRLOCK_MCP_CALL_TOKEN_KEY_ARN: z.optional(z.string().check(z.minLength(1))),
  /** Just-in-time approval: the approval table, the state machine the proxy starts, the approvers' SNS topic. */
  AIRLOCK_APPROVAL_TABLE: z.string().check(z.minLength(1)),
  AIRLOCK_APPROVAL_STATE_MACHINE_ARN: z.string().check(z.minLength(1)),
  AIRLOCK_APPROVAL_TOPIC_ARN: z.string().check(z.minLength(1)),
  /** Secrets Manager secret holding the key that signs approval links and approval-form tokens. */
  AIRLOCK_APPROVAL_LINK_SECRET_ARN: z.string().check(z.minLength(1)),
  /** Approver sign-in (OIDC authorization code + PKCE): JSON { authorizeUrl, tokenUrl, clientId, scopes? }. */
  AIRLOCK_APPROVER_SIGN_IN: z.pipe(
    z.string(),
    z.transform((s, ctx) => {
      const parsed = parseJsonSetting('AIRLOCK_APPROVER_SIGN_IN', s, approverSignIn);
      if (!parsed.ok) {
        ctx.issues.push({ code: 'custom', message: parsed.message, input: s });
        return z.NEVER;
      }
      return parsed.value;
    }),
  ),
  /** EventBridge bus (name or ARN) that receives each finished session's metadata. Unset: no events. */
  AIRLOCK_EVENT_BUS_NAME: z.optional(z.string()),
  /** The usage table: counters of the policy's rate limits and budgets (required when the policy sets `limits`). */
  AIRLOCK_USAGE_TABLE: z.string().check(z.minLength(1)),
  /** JSON array of prices [{ model, input_per_million, output_per_million }]: each session's cost, summed by /v1/airlock/usage. */
  AIRLOCK_PRICES: jsonList('AIRLOCK_PRICES', modelPrice),
  /** Local runtime: listening port and data directory. */
  AIRLOCK_PORT: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(65535)), 8787),
  AIRLOCK_DATA_DIR: z._default(z.string(), '.airlock'),
  /**
   * Local runtime: where records go. `embedded` (default): SQLite and transcript files in the data
   * directory. `aws-compatible`: dynalite and s3rver behind the DynamoDB and S3 store code.
   */
  AIRLOCK_LOCAL_STORES: z._default(z.enum(['embedded', 'aws-compatible']), 'embedded'),
  /** Local runtime, embedded store: `normal` survives a process crash, `full` a power loss too (an fsync per commit). */
  AIRLOCK_LOCAL_SYNC: z._default(z.enum(['normal', 'full']), 'normal'),
} as const;

type Settings = typeof SETTINGS;
type SettingName = keyof Settings;

/** A function's schema: the settings it reads; `optional` lists those it runs without. */
function settings<R extends SettingName, O extends SettingName = never>(required: readonly R[], optional: readonly O[] = []) {
  const shape = {} as { [K in R]: Settings[K] } & { [K in O]: z.ZodMiniOptional<Settings[K]> };
  for (const name of required) (shape as Record<string, z.ZodMiniType>)[name] = SETTINGS[name];
  for (const name of optional) (shape as Record<string, z.ZodMiniType>)[name] = z.optional(SETTINGS[name]);
  return z.object(shape);
}

const IDENTITY = ['AIRLOCK_COGNITO_USER_POOL_ID', 'AIRLOCK_COGNITO_CLIENT_IDS', 'AIRLOCK_COGNITO_GROUP_MAPPINGS', 'AIRLOCK_OIDC_ISSUERS'] as const;
const RECORDS = ['AIRLOCK_SESSION_TABLE', 'AIRLOCK_TRANSCRIPT_BUCKET', 'AIRLOCK_SESSION_TTL_DAYS', 'AIRLOCK_APPROVAL_TABLE'] as const;
/** Approval outcomes go to the event bus like sessions do; unset: nothing is published. */
const EVENTS = ['AIRLOCK_EVENT_BUS_NAME'] as const;
const UPSTREAMS = ['AIRLOCK_UPSTREAM_TIMEOUT_MS', 'AIRLOCK_UPSTREAM_DEADLINE_MS', 'AIRLOCK_UPSTREAM_RETRIES', 'AIRLOCK_POLICY'] as const;
/** The chat upstreams: the list, or the single-upstream shorthand (resolveUpstreams says which wins). */
const CHAT_UPSTREAMS = ['AIRLOCK_UPSTREAMS', 'AIRLOCK_UPSTREAM_URL', 'AIRLOCK_UPSTREAM_SECRET_ARN', 'AIRLOCK_ANTHROPIC_URL', 'AIRLOCK_ANTHROPIC_SECRET_ARN'] as const;
const MCP_APPROVALS = ['AIRLOCK_MCP_APPROVAL_HOLD_SECONDS', 'AIRLOCK_MCP_PROGRESS_INTERVAL_MS', 'AIRLOCK_MCP_WAIT_SECONDS'] as const;
const APPROVER_PAGES = [...IDENTITY, 'AIRLOCK_APPROVER_SIGN_IN', 'AIRLOCK_APPROVAL_TABLE', 'AIRLOCK_APPROVAL_LINK_SECRET_ARN', 'AIRLOCK_PUBLIC_BASE_URL'] as const;

/** The settings of each Lambda function (lambdas/handlers/<name>.ts) and of the local runtime. */
export const FUNCTION_CONFIG = {
  proxy: settings(
    ['AIRLOCK_SESSION_TABLE', 'AIRLOCK_TRANSCRIPT_BUCKET', 'AIRLOCK_SESSION_TTL_DAYS', 'AIRLOCK_MAX_BODY_BYTES', 'AIRLOCK_MAX_JSON_DEPTH', 'AIRLOCK_PUBLIC_BASE_URL', ...UPSTREAMS],
    [...CHAT_UPSTREAMS, 'AIRLOCK_EVENT_BUS_NAME', 'AIRLOCK_APPROVAL_TABLE', 'AIRLOCK_APPROVAL_STATE_MACHINE_ARN', 'AIRLOCK_USAGE_TABLE', 'AIRLOCK_PRICES'],
  ),
  authorizer: settings(IDENTITY),
  'approval-notify': settings([...RECORDS, 'AIRLOCK_APPROVAL_TOPIC_ARN', 'AIRLOCK_APPROVAL_LINK_SECRET_ARN', 'AIRLOCK_PUBLIC_BASE_URL']),
  // The page function also serves the console, which reads the session record.
  'approval-page': settings([...APPROVER_PAGES, ...RECORDS, 'AIRLOCK_POLICY']),
  'approval-decide': settings([...APPROVER_PAGES, ...RECORDS, 'AIRLOCK_POLICY'], EVENTS),
  'approval-invoke-upstream': settings([...RECORDS, ...UPSTREAMS], [...CHAT_UPSTREAMS, 'AIRLOCK_USAGE_TABLE', 'AIRLOCK_PRICES']),
  'approval-record-outcome': settings(RECORDS, EVENTS),
  // The MCP gateway: records like the proxy, names the issuers in its RFC 9728 document, holds no LLM key.
  // Pinned tools: the tool sets in the approval table (required: no pinning, no MCP); tool changes start the approval state machine.
  mcp: settings(
    ['AIRLOCK_SESSION_TABLE', 'AIRLOCK_TRANSCRIPT_BUCKET', 'AIRLOCK_SESSION_TTL_DAYS', 'AIRLOCK_MAX_BODY_BYTES', 'AIRLOCK_MAX_JSON_DEPTH', 'AIRLOCK_PUBLIC_BASE_URL', 'AIRLOCK_POLICY', 'AIRLOCK_MCP_UPSTREAMS', 'AIRLOCK_MCP_TIMEOUT_MS', 'AIRLOCK_APPROVAL_TABLE', ...IDENTITY],
    [...EVENTS, ...MCP_APPROVALS, 'AIRLOCK_APPROVAL_STATE_MACHINE_ARN', 'AIRLOCK_MCP_CALL_TOKEN_KEY_ARN'],
  ),
  'session-sweep': settings(['AIRLOCK_SESSION_TABLE', 'AIRLOCK_SESSION_TTL_DAYS', 'AIRLOCK_SWEEP_AFTER_SECONDS']),
  local: settings(
    ['AIRLOCK_PORT', 'AIRLOCK_DATA_DIR', 'AIRLOCK_POLICY', 'AIRLOCK_LOCAL_STORES', 'AIRLOCK_LOCAL_SYNC', 'AIRLOCK_UPSTREAMS', 'AIRLOCK_MCP_UPSTREAMS', 'AIRLOCK_MCP_TIMEOUT_MS', 'AIRLOCK_MCP_EXAMPLE', 'AIRLOCK_MCP_EXAMPLE_CREDENTIAL', ...MCP_APPROVALS, 'AIRLOCK_UPSTREAM_TIMEOUT_MS', 'AIRLOCK_UPSTREAM_DEADLINE_MS', 'AIRLOCK_UPSTREAM_RETRIES', 'AIRLOCK_MAX_BODY_BYTES', 'AIRLOCK_MAX_JSON_DEPTH', 'AIRLOCK_SESSION_TTL_DAYS', ...IDENTITY],
    ['AIRLOCK_UPSTREAM_URL', 'AIRLOCK_UPSTREAM_API_KEY', 'AIRLOCK_ANTHROPIC_URL', 'AIRLOCK_ANTHROPIC_API_KEY', 'AIRLOCK_PUBLIC_BASE_URL', 'AIRLOCK_PRICES'],
  ),
} as const;

export type FunctionName = keyof typeof FUNCTION_CONFIG;
export type ConfigOf<F extends FunctionName> = z.infer<(typeof FUNCTION_CONFIG)[F]>;
/** The environment a function is deployed with: every required setting present, as text. */
export type EnvironmentOf<F extends FunctionName> = { [K in keyof z.input<(typeof FUNCTION_CONFIG)[F]>]: string };
/** The local runtime's configuration. */
export type LocalConfig = ConfigOf<'local'>;

/** Reads and validates one function's settings, once, at cold start; a wrong or missing one throws naming it. */
export function readConfig<F extends FunctionName>(fn: F, env: Record<string, string | undefined> = process.env): ConfigOf<F> {
  const parsed = FUNCTION_CONFIG[fn].safeParse(env);
  if (!parsed.success) {
    throw new Error(`invalid configuration: ${parsed.error.issues.map((i) => (i.code === 'custom' ? i.message : `${i.path.join('.')}: ${i.message}`)).join('; ')}`);
  }
  return parsed.data as ConfigOf<F>;
}
