import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { newId } from '../lambdas/shared/ids';
import { loadOrCreateDevIssuer, type DevIssuer } from '../lambdas/auth/dev-issuer';
import { createTokenVerifier } from '../lambdas/auth/verifier';
import { verifierOptionsFromConfig } from '../lambdas/auth/verifier-config';
import { bearerToken } from '../lambdas/auth/bearer';
import { composeGateway } from '../lambdas/gateway/compose';
import { systemClock } from '../lambdas/gateway/ports';
import type { Policy } from '../lambdas/inspect/policy';
import { parsePolicy } from '../lambdas/inspect/policy-yaml';
import { buildUpstreams } from '../lambdas/providers/registry';
import { resolveUpstreams } from '../lambdas/shared/upstream-config';
import type { LocalConfig } from '../lambdas/shared/config';
import { logger as defaultLogger, type AirlockLogger } from '../lambdas/shared/logger';
import { lockDataDir } from './data-dir-lock';
import { startEchoUpstream, type EchoUpstream, type EchoUpstreamOptions } from './echo-upstream';
import { loadOrCreateLinkKey } from './approval-link-key';
import { loadOrCreateCallTokenKey } from './call-token-key';
import { startLocalApprovals, type LocalApprovals } from './approval-runtime';
import { sweepInterrupted } from '../lambdas/gateway/sessions/sweep-interrupted';
import type { RuntimeStores } from './store/local-stores';
import { startLocalServer } from './server';
import { localMcpUpstreams } from './mcp-upstreams';
import { InProcessAgentAnswers } from '../lambdas/gateway/mcp/agent-answers';
import type { ExampleMcpUpstream } from './example-mcp-upstream';
import { composeMcpGateway } from '../lambdas/gateway/compose-mcp';
import { workflowToolChangeApprovals } from '../lambdas/gateway/mcp/tool-change-approvals';

export interface LocalRuntimeOptions {
  config: LocalConfig;
  /** Keep sessions on disk under the data directory (default) or in memory only. */
  persist?: boolean;
  /** The store engine; default: AIRLOCK_LOCAL_STORES (embedded SQLite + files). */
  stores?: LocalConfig['AIRLOCK_LOCAL_STORES'];
  /** Options for the built-in echo upstream (used when no upstream URL is configured). */
  echo?: EchoUpstreamOptions;
  /** Where MCP upstream credentials named by `credential.env` are read (default process.env). */
  env?: Record<string, string | undefined>;
  logger?: AirlockLogger;
}

export interface LocalRuntime {
  baseUrl: string;
  /** The OpenAI-compatible base URL (`…/v1`). */
  apiBaseUrl: string;
  devIssuer: DevIssuer;
  policy: Policy;
  stores: RuntimeStores;
  /** Present when the built-in echo model is the upstream. */
  echo?: EchoUpstream;
  /** The MCP gateway URL (`…/mcp`). */
  mcpUrl: string;
  /** The example SQLite MCP upstream, when it is registered. */
  exampleMcp?: ExampleMcpUpstream;
  close(): Promise<void>;
}

/**
 * `npm start`: the gateway on one machine with the same handlers and store code as in AWS, an
 * embedded DynamoDB-compatible and S3-compatible store, a dev token issuer and the echo model.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const { config } = options;
  const logger = options.logger ?? defaultLogger;
  const policy = await loadPolicyFile(resolve(config.AIRLOCK_POLICY));
  const dataDir = resolve(config.AIRLOCK_DATA_DIR);
  const devIssuer = await loadOrCreateDevIssuer(join(dataDir, 'dev-issuer.json'));

  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  try {
    if (options.persist !== false) closers.push(await lockDataDir(dataDir));
    const stores = await openRuntimeStores(config, options.stores ?? config.AIRLOCK_LOCAL_STORES, options.persist === false ? undefined : dataDir);
    closers.push(stores.close);
    await interruptSessionsOfPreviousProcess(stores, logger);

    // With no upstream configured the echo model answers; it speaks the Anthropic Messages API too,
    // so both SDKs work out of the box. A listed set of upstreams has no echo.
    let echo: EchoUpstream | undefined;
    const listed = config.AIRLOCK_UPSTREAMS.length > 0;
    if (!listed && !config.AIRLOCK_UPSTREAM_URL) {
      echo = await startEchoUpstream(options.echo);
      closers.push(echo.close);
    }
    const upstreams = resolveUpstreams(
      listed ? config : { AIRLOCK_UPSTREAM_URL: config.AIRLOCK_UPSTREAM_URL ?? echo?.url, AIRLOCK_ANTHROPIC_URL: config.AIRLOCK_ANTHROPIC_URL ?? echo?.url },
      { openai: 'AIRLOCK_UPSTREAM_API_KEY', anthropic: 'AIRLOCK_ANTHROPIC_API_KEY' },
    );
    // Locally an upstream's `secret` names the environment variable holding its key.
    const env = options.env ?? process.env;
    const shorthandKeys: Record<string, string | undefined> = { AIRLOCK_UPSTREAM_API_KEY: config.AIRLOCK_UPSTREAM_API_KEY, AIRLOCK_ANTHROPIC_API_KEY: config.AIRLOCK_ANTHROPIC_API_KEY };
    const built = buildUpstreams(
      upstreams,
      { timeoutMs: config.AIRLOCK_UPSTREAM_TIMEOUT_MS, deadlineMs: config.AIRLOCK_UPSTREAM_DEADLINE_MS, retries: config.AIRLOCK_UPSTREAM_RETRIES },
      (secret) => async () => (secret in shorthandKeys ? shorthandKeys[secret] : env[secret]),
    );
    const providers = { list: built.list, deadlineMs: config.AIRLOCK_UPSTREAM_DEADLINE_MS };
    const heldCredentials = built.heldCredentials;
    const records = {
      policy,
      providers,
      sessions: stores.sessions,
      queries: stores.queries,
      transcripts: stores.transcripts,
      heldCredentials,
      usage: stores.usage,
      ...(config.AIRLOCK_PRICES ? { prices: config.AIRLOCK_PRICES } : {}),
      logger,
      clock: systemClock,
    };

    // Per-call upstream tokens: signed with a key file in the data directory, `iss` the gateway's base URL.
    let baseUrl = '';
    const callTokenSigner = await loadOrCreateCallTokenKey(join(dataDir, 'mcp-call-token-key.json'));
    const mcpSetup = await localMcpUpstreams({
      configured: config.AIRLOCK_MCP_UPSTREAMS,
      example: config.AIRLOCK_MCP_EXAMPLE === 'on',
      exampleGroups: policy.access.groups,
      exampleCredential: config.AIRLOCK_MCP_EXAMPLE_CREDENTIAL,
      timeoutMs: config.AIRLOCK_MCP_TIMEOUT_MS,
      env: options.env ?? process.env,
      callTokens: { signer: callTokenSigner, issuer: () => (config.AIRLOCK_PUBLIC_BASE_URL ?? baseUrl).replace(/\/+$/, '') },
      logger,
      ...(policy.mcp ? { policy: policy.mcp } : {}),
    });
    for (const u of mcpSetup.upstreams) closers.push(() => u.client.close());
    if (mcpSetup.example) closers.push(mcpSetup.example.close);

    const verifier = createTokenVerifier(verifierOptionsFromConfig(config, [devIssuer.trustedIssuer]));
    // The approval flow: held prompts, the local state machine, the approval pages and the dev sign-in.
    const approvals = await startLocalApprovals({
      records,
      stores,
      linkKey: await loadOrCreateLinkKey(join(dataDir, 'approval-link.key')),
      devIssuer,
      approvers: verifier,
      publicBaseUrl: () => config.AIRLOCK_PUBLIC_BASE_URL ?? baseUrl,
    });
    closers.push(approvals.close);
    const gateway = composeGateway({
      ...records,
      approvals: approvals.gate,
      maxJsonDepth: config.AIRLOCK_MAX_JSON_DEPTH,
      newId,
    });
    const mcp = composeMcpGateway({
      ...records,
      maxJsonDepth: config.AIRLOCK_MAX_JSON_DEPTH,
      newId,
      mcp: {
        upstreams: mcpSetup.upstreams,
        authorizationServers: [devIssuer.issuer, ...config.AIRLOCK_OIDC_ISSUERS.map((i) => i.issuer)],
        callTokenSigner,
        ...(config.AIRLOCK_PUBLIC_BASE_URL ? { publicBaseUrl: config.AIRLOCK_PUBLIC_BASE_URL } : {}),
        // One process serves every request, so an agent's answer to a relayed request always finds its call here.
        agentAnswers: new InProcessAgentAnswers(),
        // Pinned tools: fingerprints in the local store, tool changes through the same approval workflow and pages.
        pinning: {
          store: stores.toolPins,
          approvals: workflowToolChangeApprovals({ approvals: stores.approvals, workflow: approvals.workflow, policy, clock: systemClock, logger }),
        },
      },
      // Reviewed tool calls go to the same approval store and state machine as held prompts.
      mcpApprovals: {
        ...approvals.gate,
        holdMs: config.AIRLOCK_MCP_APPROVAL_HOLD_SECONDS * 1000,
        progressIntervalMs: config.AIRLOCK_MCP_PROGRESS_INTERVAL_MS,
        waitMs: config.AIRLOCK_MCP_WAIT_SECONDS * 1000,
      },
    });
    const server = await startLocalServer({
      port: config.AIRLOCK_PORT,
      maxBodyBytes: config.AIRLOCK_MAX_BODY_BYTES,
      authenticate: (authorization) => verifier.verify(bearerToken(authorization)),
      logger,
      renderErrors: { mcp: mcp.renderError },
      handlers: { proxy: gateway.app, mcp: mcp.app, 'approval-page': approvals.pages, 'approval-decide': approvals.pages },
      localOnly: [{ path: '/dev/login', methods: ['GET', 'POST'], handler: approvals.devLogin }],
    });
    closers.push(server.close);
    baseUrl = server.url;
    await resumeUnfinishedApprovals(stores, approvals, logger);

    return {
      baseUrl: server.url,
      apiBaseUrl: `${server.url}/v1`,
      devIssuer,
      policy,
      stores,
      ...(echo ? { echo } : {}),
      mcpUrl: `${server.url}/mcp`,
      ...(mcpSetup.example ? { exampleMcp: mcpSetup.example } : {}),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The policy file, with a message that says what to do when it is missing. */
async function loadPolicyFile(file: string): Promise<Policy> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`policy file ${file} does not exist; run from the project directory (it ships airlock.policy.yaml) or set AIRLOCK_POLICY to your policy file`);
    }
    throw err;
  }
  return parsePolicy(text, file);
}
/** The records' engine: embedded SQLite + transcript files (default) or the AWS-compatible servers. Without a data directory nothing is kept on disk. */
async function openRuntimeStores(config: LocalConfig, engine: LocalConfig['AIRLOCK_LOCAL_STORES'], dataDir: string | undefined): Promise<RuntimeStores> {
  if (engine === 'aws-compatible') {
    const { startAwsCompatibleStores } = await import('./store/aws-compatible-stores');
    return startAwsCompatibleStores({ ...(dataDir ? { dataDir } : {}), ttlDays: config.AIRLOCK_SESSION_TTL_DAYS });
  }
  const { openEmbeddedSqliteStores } = await import('./store/local-stores');
  return openEmbeddedSqliteStores({ ...(dataDir ? { dataDir } : {}), ttlDays: config.AIRLOCK_SESSION_TTL_DAYS, sync: config.AIRLOCK_LOCAL_SYNC });
}

/**
 * Every session the previous process left `in_progress` died with it: mark it `interrupted`, whatever
 * its age. The data-directory lock guarantees no other live process is still serving one, and this
 * runs before the server listens, so none of this process's sessions exists yet.
 */
async function interruptSessionsOfPreviousProcess(stores: RuntimeStores, logger: AirlockLogger): Promise<void> {
  await sweepInterrupted({ queries: stores.queries, sessions: stores.sessions, logger, clock: systemClock }, { olderThanMs: 0, limit: 1_000_000 });
}

/**
 * The approval executions of the previous process died with it; their state is in the store.
 * Each unfinished approval gets the same ASL run again from where it stood (see LocalApprovalWorkflow.resume).
 */
async function resumeUnfinishedApprovals(stores: RuntimeStores, approvals: LocalApprovals, logger: AirlockLogger): Promise<void> {
  const unfinished = await stores.unfinishedApprovals();
  const now = systemClock.now();
  for (const approval of unfinished) {
    const token = approval.status === 'pending' ? await stores.taskTokens.get(approval.id) : undefined;
    approvals.workflow.resume(approval, token, now);
  }
  if (unfinished.length > 0) logger.info('approval workflows resumed after a restart', { resumed: unfinished.length });
}
