import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ApprovalLinkSigner } from '../lambdas/auth/approval-link';
import type { DevIssuer } from '../lambdas/auth/dev-issuer';
import type { TokenVerifier } from '../lambdas/auth/verifier';
import type { ApproverNotifier } from '../lambdas/gateway/approvals/ports';
import { approvalDecisions, composeInvokeStep, type GatewayAdapters } from '../lambdas/gateway/compose';
import { composeNotifyStep, composeRecordStep } from '../lambdas/gateway/compose-approval-steps';
import { composeApprovalPages } from '../lambdas/gateway/compose-approvals';
import type { ApprovalStore, TaskTokenStore } from '../lambdas/store/approval-types';
import { ConsoleMailNotifier } from './approval-console-mail';
import { devLoginPage } from './approval-dev-login';
import { LocalApprovalWorkflow, LocalTaskTokens } from './approval-workflow';
import type { AppHandler } from './server';

export interface LocalApprovalsOptions {
  /** What the approval use cases share with the gateway: policy, upstreams, stores, usage counters and prices, logger, clock. */
  records: Pick<GatewayAdapters, 'policy' | 'providers' | 'sessions' | 'transcripts' | 'queries' | 'heldCredentials' | 'usage' | 'prices' | 'logger' | 'clock'>;
  /** The approval and task-token stores; or, instead, a DynamoDB(-compatible) client for an approval table (tests). */
  stores?: { approvals: ApprovalStore; taskTokens: TaskTokenStore };
  dynamo?: DynamoDBClient;
  tableName?: string;
  linkKey: Uint8Array;
  devIssuer: DevIssuer;
  /** Verifies an approver's token (the dev issuer and any configured issuer). */
  approvers: TokenVerifier;
  /** The base URL approvers and callers reach the gateway on (known once the server listens). */
  publicBaseUrl(): string;
  notifier?: ApproverNotifier;
  /** Overrides Retry pauses in the state machine (tests). */
  retryPauseMs?: number;
}

export interface LocalApprovals {
  /** The approval adapters of the composition root: the proxy's gate holds prompts with these. */
  gate: NonNullable<GatewayAdapters['approvals']>;
  /** `/approvals/*`: the approval page and decision. */
  pages: AppHandler;
  /** `/dev/*`: the dev issuer's sign-in page. */
  devLogin: AppHandler;
  workflow: LocalApprovalWorkflow;
  tokens: LocalTaskTokens;
  /** The stored task tokens (a restarted runtime resumes waiting executions under them). */
  taskTokens: TaskTokenStore;
  close(): Promise<void>;
}

/**
 * The approval flow on one machine, wired as in AWS by the same composition root: the workflow's
 * steps behind the local ASL interpreter, the pages with their decision, the console as the mail.
 */
export async function startLocalApprovals(options: LocalApprovalsOptions): Promise<LocalApprovals> {
  const { records: r } = options;
  const { approvals, taskTokens } = options.stores ?? (await dynamoApprovalStores(options));
  const links = new ApprovalLinkSigner(options.linkKey);
  const records = { approvals, sessions: r.sessions, transcripts: r.transcripts, logger: r.logger, clock: r.clock };
  const tokens = new LocalTaskTokens();
  const notifier = options.notifier ?? new ConsoleMailNotifier();

  const workflow = await LocalApprovalWorkflow.create({
    tokens,
    logger: r.logger,
    ...(options.retryPauseMs !== undefined ? { retryPauseMs: options.retryPauseMs } : {}),
    steps: {
      notify: composeNotifyStep({ approvals, tokens: taskTokens, notifier, links, publicBaseUrl: options.publicBaseUrl, logger: r.logger, clock: r.clock }),
      invoke: composeInvokeStep({
        ...records,
        policy: r.policy,
        providers: r.providers,
        ...(r.heldCredentials ? { heldCredentials: r.heldCredentials } : {}),
        // The approved answer's tokens and cost count like a direct answer's, in the proxy's counters.
        ...(r.usage ? { usage: r.usage } : {}),
        ...(r.prices ? { prices: r.prices } : {}),
      }),
      record: composeRecordStep(records),
    },
  });

  const pages = composeApprovalPages({
    approvals,
    links,
    approvers: options.approvers,
    signInUrl: (returnPath) => `/dev/login?return=${encodeURIComponent(returnPath)}`,
    logger: r.logger,
    clock: r.clock,
    decisions: approvalDecisions({ policy: r.policy, tokens: taskTokens, tasks: tokens, sessions: r.sessions }),
    transcripts: r.transcripts,
    console: { audit: r, basePath: '', secureCookies: false },
  });

  return {
    gate: { store: approvals, workflow },
    pages,
    devLogin: devLoginPage(options.devIssuer),
    workflow,
    tokens,
    taskTokens,
    close: () => workflow.close(),
  };
}

/** The approval table on DynamoDB (tests with DynamoDB Local); loaded only then, so the SDK stays off the default start path. */
async function dynamoApprovalStores(options: LocalApprovalsOptions): Promise<{ approvals: ApprovalStore; taskTokens: TaskTokenStore }> {
  if (!options.dynamo) throw new Error('startLocalApprovals needs either stores or a DynamoDB client');
  const [{ DynamoApprovalStore, DynamoTaskTokenStore }, { createApprovalTable }] = await Promise.all([
    import('../lambdas/store/approval-store'),
    import('../lambdas/store/approval-table'),
  ]);
  const tableName = options.tableName ?? 'airlock-approvals';
  await createApprovalTable(options.dynamo, tableName);
  return {
    approvals: new DynamoApprovalStore({ tableName, client: options.dynamo }),
    taskTokens: new DynamoTaskTokenStore({ tableName, client: options.dynamo }),
  };
}
