import * as z from './zod';

/**
 * The chat upstreams of a gateway, one entry each: the local runtime's `AIRLOCK_UPSTREAMS`, the
 * proxy's environment and the deployment config's `upstreams` all use this schema. A model id
 * goes to the first upstream whose `models` globs match it and that speaks the caller's API.
 */
export const UPSTREAM_KINDS = ['openai', 'anthropic', 'bedrock'] as const;
export type UpstreamKind = (typeof UPSTREAM_KINDS)[number];

export const UPSTREAM_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,127}$/;

export const upstreamEntry = z
  .strictObject({
    name: z.string().check(z.regex(UPSTREAM_NAME, 'expected a lower-case name (a-z, 0-9, _, -)')),
    kind: z.enum(UPSTREAM_KINDS),
    /** openai, anthropic: the API base URL (`https://api.openai.com/v1`). bedrock: an endpoint override (VPC endpoint, tests). */
    url: z.optional(z.url()),
    /** bedrock: the AWS region of the Bedrock runtime. */
    region: z.optional(z.string().check(z.regex(REGION, 'expected an AWS region such as us-east-1'))),
    /** Model ids this upstream serves, as globs (`gpt-*`, `anthropic.claude-*`); `*` matches any run of characters. */
    models: z.array(z.string().check(z.regex(/^[A-Za-z0-9._:/@+*-]{1,200}$/, 'expected a model id or a glob of one'))).check(z.minLength(1)),
    /**
     * openai, anthropic: where the upstream key is. In AWS a Secrets Manager secret ARN (a plain
     * string secret); in the local runtime the name of an environment variable. Bedrock takes none:
     * the function's IAM role signs its calls.
     */
    secret: z.optional(z.string().check(z.minLength(1))),
    /** Another upstream's name: tried when this one fails with a 5xx or times out, inside the same deadline. */
    fallback: z.optional(z.string().check(z.regex(UPSTREAM_NAME))),
    /**
     * Model ids callers use → the id this upstream is sent, e.g. `{ "claude-sonnet": "anthropic.claude-3-5-sonnet-20240620-v1:0" }`:
     * one caller-facing id for a model that two upstreams (a fallback pair) name differently. Each must also match `models`.
     */
    aliases: z.optional(z.record(z.string().check(z.regex(MODEL_ID, 'expected a model id')), z.string().check(z.regex(MODEL_ID, 'expected a model id')))),
  })
  .check(
    z.superRefine((u, ctx) => {
      if (u.kind !== 'bedrock' && !u.url) ctx.addIssue({ code: 'custom', path: ['url'], message: `an ${u.kind} upstream needs its base url` });
      if (u.kind === 'bedrock' && !u.region) ctx.addIssue({ code: 'custom', path: ['region'], message: 'a bedrock upstream needs its region' });
      if (u.kind === 'bedrock' && u.secret)
        ctx.addIssue({ code: 'custom', path: ['secret'], message: 'a bedrock upstream takes no secret: the function role signs its calls' });
      if (u.fallback === u.name) ctx.addIssue({ code: 'custom', path: ['fallback'], message: 'an upstream cannot fall back to itself' });
      for (const alias of Object.keys(u.aliases ?? {})) {
        if (!u.models.some((g) => modelGlob(g).test(alias)))
          ctx.addIssue({ code: 'custom', path: ['aliases', alias], message: `alias '${alias}' is not among this upstream's models` });
      }
    }),
  );

export type UpstreamConfig = z.infer<typeof upstreamEntry>;

/** The list: names unique, every fallback naming an upstream of the list. */
export const upstreamList = z.array(upstreamEntry).check(
  z.superRefine((list, ctx) => {
    const names = new Set<string>();
    for (const [i, u] of list.entries()) {
      if (names.has(u.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `upstream name '${u.name}' is used twice` });
      names.add(u.name);
    }
    for (const [i, u] of list.entries()) {
      if (u.fallback && !names.has(u.fallback)) ctx.addIssue({ code: 'custom', path: [i, 'fallback'], message: `no upstream is named '${u.fallback}'` });
    }
  }),
);

/** A `models` glob as a matcher: `*` is any run of characters, everything else literal. */
export function modelGlob(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
      .join('.*')}$`,
  );
}

/** The settings that name chat upstreams, in every function that calls one and in the local runtime. */
export interface UpstreamSettings {
  AIRLOCK_UPSTREAMS?: UpstreamConfig[] | undefined;
  AIRLOCK_UPSTREAM_URL?: string | undefined;
  AIRLOCK_ANTHROPIC_URL?: string | undefined;
}

/**
 * The upstream list: `AIRLOCK_UPSTREAMS`, or the single-upstream shorthand, where
 * `AIRLOCK_UPSTREAM_URL` is an `openai` upstream and `AIRLOCK_ANTHROPIC_URL` an `anthropic` one,
 * each serving every model (`*`) with the key named by `secrets`. Both at once is a mistake.
 */
export function resolveUpstreams(s: UpstreamSettings, secrets: { openai?: string | undefined; anthropic?: string | undefined }): UpstreamConfig[] {
  const list = s.AIRLOCK_UPSTREAMS ?? [];
  const shorthand = [s.AIRLOCK_UPSTREAM_URL && 'AIRLOCK_UPSTREAM_URL', s.AIRLOCK_ANTHROPIC_URL && 'AIRLOCK_ANTHROPIC_URL'].filter(Boolean);
  if (list.length) {
    if (shorthand.length)
      throw new Error(
        `invalid configuration: AIRLOCK_UPSTREAMS lists the upstreams; ${shorthand.join(' and ')} (the single-upstream shorthand) must then be unset`,
      );
    return list;
  }
  return [
    ...(s.AIRLOCK_UPSTREAM_URL
      ? [{ name: 'openai', kind: 'openai' as const, url: s.AIRLOCK_UPSTREAM_URL, models: ['*'], ...(secrets.openai ? { secret: secrets.openai } : {}) }]
      : []),
    ...(s.AIRLOCK_ANTHROPIC_URL
      ? [
          {
            name: 'anthropic',
            kind: 'anthropic' as const,
            url: s.AIRLOCK_ANTHROPIC_URL,
            models: ['*'],
            ...(secrets.anthropic ? { secret: secrets.anthropic } : {}),
          },
        ]
      : []),
  ];
}
