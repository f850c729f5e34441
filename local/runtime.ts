import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ulid } from 'ulid';
import { loadOrCreateDevIssuer, type DevIssuer } from '../lambdas/auth/dev-issuer';
import { createTokenVerifier } from '../lambdas/auth/verifier';
import { verifierOptionsFromConfig } from '../lambdas/auth/verifier-config';
import { bearerToken } from '../lambdas/auth/bearer';
import { cachedInspectorFactory } from '../lambdas/gateway/inspector-cache';
import type { GatewayDeps } from '../lambdas/gateway/ports';
import { systemClock } from '../lambdas/gateway/ports';
import { createGatewayApp } from '../lambdas/gateway/router';
import { createInspector } from '../lambdas/inspect';
import type { Policy } from '../lambdas/inspect/policy';
import { parsePolicy } from '../lambdas/inspect/policy-yaml';
import { anthropicProvider } from '../lambdas/providers/anthropic';
import { OpenAICompatibleProvider } from '../lambdas/providers/openai-compatible';
import type { RuntimeConfig } from '../lambdas/shared/config';
import { logger as defaultLogger, type AirlockLogger } from '../lambdas/shared/logger';
import { lockDataDir } from './data-dir-lock';
import { startEchoUpstream, type EchoUpstream, type EchoUpstreamOptions } from './echo-upstream';
import { loadOrCreateLinkKey } from './approval-link-key';
import { startLocalApprovals } from './approval-runtime';
import { localDynamoClient, startEmbeddedStores, type EmbeddedStores } from './embedded-stores';
import { startLocalServer, type LocalRoute } from './server';

export interface LocalRuntimeOptions {
  config: RuntimeConfig;
  /** Keep sessions on disk under the data directory (default) or in memory only. */
  persist?: boolean;
  /** Options for the built-in echo upstream (used when no upstream URL is configured). */
  echo?: EchoUpstreamOptions;
  logger?: AirlockLogger;
}

export interface LocalRuntime {
  baseUrl: string;
  /** The OpenAI-compatible base URL (`…/v1`). */
  apiBaseUrl: string;
  devIssuer: DevIssuer;
  policy: Policy;
  stores: EmbeddedStores;
  /** Present when the built-in echo model is the upstream. */
  echo?: EchoUpstream;
  close(): Promise<void>;
}

/**
 * `npm start`: the gateway on one machine with the same handlers and store code as in AWS, an
 * embedded DynamoDB-compatible and S3-compatible store, a dev token issuer and the echo model.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const { config } = options;
  const logger = options.logger ?? defaultLogger;
  const policyFile = resolve(config.AIRLOCK_POLICY ?? config.AIRLOCK_POLICY_FILE);
  const policy = parsePolicy(await readFile(policyFile, 'utf8'), policyFile);
  const dataDir = resolve(config.AIRLOCK_DATA_DIR);
  const devIssuer = await loadOrCreateDevIssuer(join(dataDir, 'dev-issuer.json'));

  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  try {
    if (options.persist !== false) closers.push(await lockDataDir(dataDir));
    const stores = await startEmbeddedStores({
      ...(options.persist === false ? {} : { dataDir }),
      serversInWorker: true,
      ttlDays: config.AIRLOCK_SESSION_TTL_DAYS,
    });
    closers.push(stores.close);

    let echo: EchoUpstream | undefined;
    let upstreamUrl = config.AIRLOCK_UPSTREAM_URL;
    if (!upstreamUrl) {
      echo = await startEchoUpstream(options.echo);
      closers.push(echo.close);
      upstreamUrl = echo.url;
    }
    const apiKey = config.AIRLOCK_UPSTREAM_API_KEY;
    const provider = new OpenAICompatibleProvider({
      baseUrl: upstreamUrl,
      apiKey: async () => apiKey,
      timeoutMs: config.AIRLOCK_UPSTREAM_TIMEOUT_MS,
      retries: config.AIRLOCK_UPSTREAM_RETRIES,
    });

    // The echo model speaks the Anthropic Messages API too, so both SDKs work out of the box.
    const anthropicUrl = config.AIRLOCK_ANTHROPIC_URL ?? echo?.url;
    const anthropicKey = config.AIRLOCK_ANTHROPIC_API_KEY;
    const deps: GatewayDeps = {
      policy,
      inspectorFor: cachedInspectorFactory(createInspector),
      provider,
      ...(anthropicUrl
        ? {
            anthropicProvider: anthropicProvider({
              baseUrl: anthropicUrl,
              apiKey: async () => anthropicKey,
              timeoutMs: config.AIRLOCK_UPSTREAM_TIMEOUT_MS,
              retries: config.AIRLOCK_UPSTREAM_RETRIES,
            }),
          }
        : {}),
      sessions: stores.sessions,
      queries: stores.queries,
      transcripts: stores.transcripts,
      logger,
      clock: systemClock,
      newId: ulid,
      heldCredentials: async () => [apiKey, anthropicKey].filter((k): k is string => typeof k === 'string' && k.length > 0),
    };

    const verifier = createTokenVerifier(verifierOptionsFromConfig(config, [devIssuer.trustedIssuer]));
    // The approval flow: held prompts, the local state machine, the approval pages and the dev sign-in.
    let baseUrl = '';
    const approvalsDynamo = localDynamoClient(stores.dynamoEndpoint);
    closers.push(async () => approvalsDynamo.destroy());
    const approvals = await startLocalApprovals({
      gateway: deps,
      dynamo: approvalsDynamo,
      linkKey: await loadOrCreateLinkKey(join(dataDir, 'approval-link.key')),
      devIssuer,
      approvers: verifier,
      publicBaseUrl: () => config.AIRLOCK_PUBLIC_BASE_URL ?? baseUrl,
    });
    closers.push(approvals.close);
    deps.approvals = approvals.gate;
    const routes: LocalRoute[] = [
      { prefix: '/v1/', authenticated: true, handler: createGatewayApp(deps) },
      { prefix: '/approvals/', authenticated: false, handler: approvals.pages },
      { prefix: '/dev/', authenticated: false, handler: approvals.devLogin },
    ];
    const server = await startLocalServer({
      port: config.AIRLOCK_PORT,
      maxBodyBytes: config.AIRLOCK_MAX_BODY_BYTES,
      authenticate: (authorization) => verifier.verify(bearerToken(authorization)),
      routes,
    });
    closers.push(server.close);
    baseUrl = server.url;

    return {
      baseUrl: server.url,
      apiBaseUrl: `${server.url}/v1`,
      devIssuer,
      policy,
      stores,
      ...(echo ? { echo } : {}),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
