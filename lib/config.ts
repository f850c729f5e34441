import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { PolicyError, type Policy } from '../lambdas/inspect/policy';
import { parsePolicy } from '../lambdas/inspect/policy-yaml';
import { upstreamList } from '../lambdas/shared/upstream-config';

/**
 * The deployment configuration: the one place CDK context is read, validated once with zod.
 *
 * Sources, later wins:
 *   1. `-c airlock:config=path/to/config.json` (path relative to the working directory) or an
 *      `"airlock:config": { ... }` object in cdk.json;
 *   2. single keys, `-c airlock:<key>=<value>` (JSON values such as numbers and arrays are parsed).
 *
 * Keys (see docs/deploy.md):
 *   stage                    name of this deployment, lowercase (default `dev`); part of every stack name
 *   namePrefix               prefix of stack names (default `airlock`)
 *   account, region          target environment (default: the CLI's CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION)
 *   removalPolicy            `retain` (default) or `destroy` (dev only): tables, buckets, key, secret, user pool, log groups
 *   logRetentionDays         CloudWatch Logs retention of function, API access and execution logs (default 365)
 *   sessionTtlDays           days until a session item expires from the table (default 400)
 *   transcriptRetentionDays  days until a transcript object (and its old versions) expires (default 400)
 *   legacyStatusIndex        keep the session table's unsharded `byStatus` index (default false): only while a
 *                            table created before the sharded indexes migrates (docs/scale.md)
 *   objectLock               `{ "mode": "off" }` (default), or `{ "mode": "governance" | "compliance", "days": n }`:
 *                            S3 Object Lock default retention of transcripts. Set on first deploy; compliance
 *                            mode cannot be shortened or removed by anyone, the account root included
 *   sessionEvents            `{ "forwardToEventBusArn"?: arn, "archiveDays"?: n }`: forward every session event (metadata
 *                            only) to a SIEM's EventBridge bus, and/or keep them in an archive n days (docs/audit.md)
 *   upstreamUrl              OpenAI-compatible upstream base URL (default https://api.openai.com/v1); its key
 *                            lives in the Secrets Manager secret the stack creates
 *   anthropicUrl             optional Anthropic Messages upstream (e.g. https://api.anthropic.com/v1); adds a second secret
 *   prices                   price table for session costs: [{ model: glob, input_per_million, output_per_million }]
 *                            in US dollars, first match wins (the shape of AIRLOCK_PRICES); summed by /v1/airlock/usage
 *   upstreams                the chat upstreams routed by model id, instead of upstreamUrl/anthropicUrl (the shorthand):
 *                            [{ name, kind: openai | anthropic | bedrock, url?, region?, models: [globs], secret?, fallback?, aliases? }],
 *                            the shape of AIRLOCK_UPSTREAMS; `secret` is a Secrets Manager secret ARN the deployer creates
 *                            (a plain string); bedrock upstreams are called with the functions' role, granted only their models
 *   oidcIssuers              trusted OIDC issuers besides Cognito: [{ issuer, audience, groupsClaim?, jwksUri?,
 *                            groups?, groupMappings? }], the shape of AIRLOCK_OIDC_ISSUERS
 *   cognitoGroupMappings     groups for Cognito tokens without `cognito:groups` (client credentials), the shape of
 *                            AIRLOCK_COGNITO_GROUP_MAPPINGS (default: scope `airlock/invoke` → `llm-users`)
 *   hostedUiDomainPrefix     Cognito hosted-UI domain prefix (default `airlock-<stage>-<account id>`)
 *   publicBaseUrl            the API's public base URL when it sits behind a custom domain (default: the stage URL)
 *   approverEmails           e-mail addresses subscribed to approval requests
 *   alarmEmail               optional e-mail address subscribed to the alarm topic
 *   policyFile               policy file bundled into the functions (default `airlock.policy.yaml`); validated at synth
 *   maxBodyBytes             largest request body the proxy accepts (default 1 MiB; API Gateway's own limit is 10 MB)
 *   throttle                 stage-wide API throttling `{ rateLimit, burstLimit }` (default 50 requests/s, burst 100)
 *   mcpUpstreams             MCP gateway upstreams (Streamable HTTP): [{ name, url, groups, credential?: { secretArn,
 *                            header?, scheme? } }]; the credential is a Secrets Manager secret the deployer creates
 *                            (a plain string), or `{ mode: "per-call-token", audience?, lifetimeSeconds? }`: a JWT per
 *                            call signed by a KMS key the stack creates, verified at the JWKS URL (docs/mcp.md)
 *                            `pins: { <tool>: <sha256> }` accepts those tool definitions without review and
 *                            `trustOnFirstUse: false` holds every unpinned tool of the first listing too (docs/mcp.md)
 */

/** CloudWatch Logs accepts only these retention periods. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

const groupMapping = z
  .object({
    when: z.record(z.string(), z.string()).refine((w) => Object.keys(w).length > 0, 'needs at least one claim'),
    groups: z.array(z.string().min(1)).min(1),
  })
  .strict();

const oidcIssuer = z
  .object({
    issuer: z.url({ protocol: /^https$/ }),
    // Required, as aws-jwt-verify requires it: null only when a deployer explicitly accepts any audience.
    audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1), z.null()]),
    groupsClaim: z.string().min(1).optional(),
    jwksUri: z.url({ protocol: /^https$/ }).optional(),
    groups: z.array(z.string().min(1)).optional(),
    groupMappings: z.array(groupMapping).optional(),
  })
  .strict();

const mcpUpstream = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'a lower-case name without dots (the tool prefix)')
      .refine((n) => n !== 'airlock', 'not "airlock": that prefix is the gateway\'s own tools (airlock.wait_for_approval)'),
    url: z.url({ protocol: /^https$/ }),
    groups: z.array(z.string().min(1)).min(1),
    credential: z
      .union(
        [
          z
            .object({
              mode: z.literal('static').optional(),
              secretArn: z.string().regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+$/, 'a Secrets Manager secret ARN'),
              header: z.string().regex(/^[A-Za-z0-9-]+$/).optional(),
              scheme: z.string().optional(),
            })
            .strict(),
          // A JWT per request, signed by the stack's KMS signing key (docs/mcp.md, "Per-call tokens").
          z
            .object({
              mode: z.literal('per-call-token'),
              audience: z.string().min(1).optional(),
              lifetimeSeconds: z.number().int().min(1).max(300).optional(),
              header: z.string().regex(/^[A-Za-z0-9-]+$/).optional(),
              scheme: z.string().optional(),
            })
            .strict(),
        ],
        { error: 'expected { secretArn, header?, scheme? } or { mode: "per-call-token", audience?, lifetimeSeconds? (1-300), header?, scheme? }' },
      )
      .optional(),
    pins: z.record(z.string().min(1).max(200), z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 tool fingerprint (64 hex digits)')).optional(),
    trustOnFirstUse: z.boolean().optional(),
  })
  .strict();

export type McpUpstreamSetting = z.infer<typeof mcpUpstream>;

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+$/;

const objectLock = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('off') }).strict(),
  z.object({ mode: z.enum(['governance', 'compliance']), days: z.number().int().positive() }).strict(),
]);

export const deployConfigSchema = z
  .object({
    stage: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,19}$/, 'lowercase letters, digits and dashes, starting with a letter, at most 20 characters')
      .default('dev'),
    namePrefix: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,19}$/, 'lowercase letters, digits and dashes, starting with a letter, at most 20 characters')
      .default('airlock'),
    account: z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id').optional(),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-west-1').optional(),
    removalPolicy: z.enum(['retain', 'destroy']).default('retain'),
    logRetentionDays: z
      .number()
      .int()
      .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), `one of ${LOG_RETENTION_DAYS.join(', ')}`)
      .default(365),
    sessionTtlDays: z.number().int().positive().max(3650).default(400),
    transcriptRetentionDays: z.number().int().positive().max(36500).default(400),
    legacyStatusIndex: z.boolean().default(false),
    objectLock: objectLock.default({ mode: 'off' }),
    sessionEvents: z
      .object({
        forwardToEventBusArn: z
          .string()
          .regex(/^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[\w.\-/]+$/, 'an EventBridge event bus ARN')
          .optional(),
        archiveDays: z.number().int().positive().max(36500).optional(),
      })
      .strict()
      .default({}),
    upstreamUrl: z.url({ protocol: /^https?$/ }).default('https://api.openai.com/v1'),
    anthropicUrl: z.url({ protocol: /^https?$/ }).optional(),
    prices: z
      .array(z.object({ model: z.string().min(1), input_per_million: z.number().nonnegative(), output_per_million: z.number().nonnegative() }).strict())
      .default([]),
    upstreams: z
      ._default(upstreamList, [])
      .refine((list) => list.every((u) => !u.secret || SECRET_ARN.test(u.secret)), 'each upstream secret must be a Secrets Manager secret ARN')
      .refine((list) => list.every((u) => !u.url || u.url.startsWith('https://')), 'upstream urls must be https'),
    oidcIssuers: z.array(oidcIssuer).default([]),
    cognitoGroupMappings: z.array(groupMapping).default([{ when: { scope: 'airlock/invoke' }, groups: ['llm-users'] }]),
    hostedUiDomainPrefix: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'lowercase letters, digits and dashes, at most 63 characters')
      .refine((p) => !/aws|amazon|cognito/.test(p), 'must not contain aws, amazon or cognito')
      .optional(),
    publicBaseUrl: z.url({ protocol: /^https$/ }).optional(),
    approverEmails: z.array(z.email()).default([]),
    alarmEmail: z.email().optional(),
    policyFile: z.string().min(1).default('airlock.policy.yaml'),
    maxBodyBytes: z.number().int().positive().max(10 * 1024 * 1024).default(1_048_576),
    throttle: z
      .object({ rateLimit: z.number().positive(), burstLimit: z.number().int().positive() })
      .strict()
      .default({ rateLimit: 50, burstLimit: 100 }),
    mcpUpstreams: z
      .array(mcpUpstream)
      .default([])
      .refine((list) => new Set(list.map((u) => u.name)).size === list.length, 'upstream names must be unique'),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.upstreams.length && c.anthropicUrl) {
      ctx.addIssue({ code: 'custom', path: ['anthropicUrl'], message: 'upstreams lists the chat upstreams; anthropicUrl (the single-upstream shorthand) must then be unset' });
    }
    if (c.objectLock.mode !== 'off' && c.objectLock.days > c.transcriptRetentionDays) {
      ctx.addIssue({
        code: 'custom',
        path: ['objectLock', 'days'],
        message: `must not exceed transcriptRetentionDays (${c.objectLock.days} > ${c.transcriptRetentionDays})`,
      });
    }
  });

export type DeployConfig = z.infer<typeof deployConfigSchema>;
export type OidcIssuerSetting = z.infer<typeof oidcIssuer>;

/** The validated configuration plus the policy it names, parsed and resolved to an absolute path. */
export interface AirlockDeployment {
  config: DeployConfig;
  policy: Policy;
  policyPath: string;
}

export class DeployConfigError extends Error {
  override readonly name = 'DeployConfigError';
}

export const CONTEXT_PREFIX = 'airlock:';
export const CONFIG_FILE_CONTEXT_KEY = `${CONTEXT_PREFIX}config`;

/** Reads context values by key: `(key) => app.node.tryGetContext(key)`. */
export type ContextReader = (key: string) => unknown;

export function loadDeployment(readContext: ContextReader, cwd = process.cwd()): AirlockDeployment {
  const raw: Record<string, unknown> = { ...configFileValues(readContext(CONFIG_FILE_CONTEXT_KEY), cwd) };
  for (const key of Object.keys(deployConfigSchema.shape)) {
    const value = readContext(`${CONTEXT_PREFIX}${key}`);
    if (value !== undefined) raw[key] = fromContextValue(value);
  }
  const config = parseDeployConfig(raw);
  const policyPath = isAbsolute(config.policyFile) ? config.policyFile : resolve(cwd, config.policyFile);
  return { config, policy: loadPolicy(policyPath), policyPath };
}

export function parseDeployConfig(raw: unknown): DeployConfig {
  const given = raw as { upstreams?: unknown; upstreamUrl?: unknown } | null;
  if (Array.isArray(given?.upstreams) && given.upstreams.length && given.upstreamUrl !== undefined) {
    throw new DeployConfigError('invalid Airlock deployment config: upstreamUrl: upstreams lists the chat upstreams; upstreamUrl (the single-upstream shorthand) must then be unset');
  }
  const parsed = deployConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new DeployConfigError(`invalid Airlock deployment config: ${issues.join('; ')}`);
  }
  return parsed.data;
}

/** An invalid policy must fail `cdk synth`, naming the file and the reason. */
function loadPolicy(policyPath: string): Policy {
  if (!existsSync(policyPath)) throw new DeployConfigError(`policy file not found: ${policyPath}`);
  try {
    return parsePolicy(readFileSync(policyPath, 'utf8'), policyPath);
  } catch (err) {
    if (err instanceof PolicyError) throw new DeployConfigError(err.message);
    throw err;
  }
}

function configFileValues(value: unknown, cwd: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  if (typeof value !== 'string') throw new DeployConfigError(`${CONFIG_FILE_CONTEXT_KEY} must be a JSON file path or an object`);
  const path = resolve(cwd, value);
  if (!existsSync(path)) throw new DeployConfigError(`config file not found: ${path}`);
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
    return parsed as Record<string, unknown>;
  } catch (err) {
    throw new DeployConfigError(`config file ${path} is not a JSON object (${(err as Error).message.split('\n')[0]})`);
  }
}

/** `-c key=value` always arrives as a string: numbers, booleans, arrays and objects are given as JSON. */
function fromContextValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (/^(?:[[{]|-?\d|true$|false$|null$)/.test(trimmed)) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return value;
    }
  }
  return value;
}
